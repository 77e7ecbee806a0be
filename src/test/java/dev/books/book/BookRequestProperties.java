package dev.books.book;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.books.Api;
import dev.books.Api.Response;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * Property-based tests of request parsing and validation with hostile input: arbitrary JSON values, deep nesting,
 * huge numbers, invalid UTF-8, control characters and lone surrogates, very long strings, arbitrary ids and query
 * values. Every request gets a 2xx or a 4xx JSON answer, never a 5xx, and what is stored equals what was
 * acknowledged. Subclasses choose the database.
 */
abstract class BookRequestProperties {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every status the API documents below 500. */
    private static final Set<Integer> EXPECTED =
            Set.of(200, 201, 204, 304, 400, 404, 405, 409, 412, 413, 414, 415, 422);

    /**
     * Client of the server under test.
     *
     * @return client
     */
    protected abstract Api api();

    @Property(tries = 300)
    void anyCreateBodyGetsA2xxOr4xxAndStoresExactlyWhatWasAcknowledged(@ForAll("bodies") byte[] body) {
        Response res = api().send("POST", "/books", "application/json", body);

        assertNo5xx(res);
        Statistics.collect(res.status());
        // The generators must reach both the accepting and the refusing paths.
        Statistics.coverage(coverage -> {
            coverage.check(201).percentage(p -> p > 5);
            coverage.check(400).percentage(p -> p > 20);
        });
        if (res.status() == 201) {
            JsonNode sent = parse(body);
            JsonNode stored =
                    api().get("/books/" + res.json().get("id").asLong()).json();
            assertThat(stored.get("title").asText(), is(sent.get("title").asText()));
            assertThat(stored.get("author").asText(), is(sent.get("author").asText()));
            assertThat(stored.get("year").asInt(), is(sent.get("year").asInt()));
            assertThat(res.json(), is(stored));
        }
    }

    @Property(tries = 200)
    void anyChangeLeavesTheBookAsAcknowledged(@ForAll("bodies") byte[] body) {
        Response created = api().post("/books", "{\"title\":\"Before\",\"author\":\"Someone\",\"year\":1999}");
        long id = created.json().get("id").asLong();

        Response res = api().send("PUT", "/books/" + id, "application/json", body);

        assertNo5xx(res);
        JsonNode stored = api().get("/books/" + id).json();
        if (res.status() == 200) {
            assertThat(res.json(), is(stored));
            JsonNode sent = parse(body);
            for (String field : List.of("title", "author")) {
                if (sent.has(field)) {
                    assertThat(stored.get(field).asText(), is(sent.get(field).asText()));
                }
            }
            if (sent.has("year")) {
                // An integral number in any JSON spelling (1949, 1949.0, 1.949e3) is the year 1949.
                assertThat(
                        stored.get("year")
                                .decimalValue()
                                .compareTo(sent.get("year").decimalValue()),
                        is(0));
            }
        } else {
            assertThat(stored, is(created.json()));
        }
    }

    @Property(tries = 200)
    void anyIdGetsA2xxOr4xx(@ForAll("pathSegments") String id) {
        String path = "/books/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        assertNo5xx(api().get(path));
        assertNo5xx(api().delete(path + "0"));
    }

    @Property(tries = 200)
    void anyQueryGetsA2xxOr4xx(@ForAll("queryNames") String name, @ForAll("queryValues") String value) {
        Response res = api().get("/books?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        assertNo5xx(res);
    }

    // --- generators ------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> text = Arbitraries.oneOf(bookLike(), json(3), deepNesting(), hugeNumbers());
        return Arbitraries.oneOf(
                text.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                text.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                text.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Combinators.combine(text, Arbitraries.integers().between(0, 1000), Arbitraries.bytes())
                        .as(BookRequestProperties::withRawByte),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }

    /** Objects with the members of a book, with valid and invalid values and sometimes extra members. */
    private Arbitrary<String> bookLike() {
        Arbitrary<String> titles = Arbitraries.oneOf(
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars(' ', '-', '\'')
                        .ofMinLength(1)
                        .ofMaxLength(40)
                        .map(BookRequestProperties::quote),
                Arbitraries.strings().all().ofMaxLength(30).map(BookRequestProperties::quote),
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u001f')
                        .ofMinLength(1)
                        .ofMaxLength(3)
                        .map(BookRequestProperties::quote),
                Arbitraries.integers().between(490, 520).map(n -> quote("t".repeat(n))),
                json(1));
        Arbitrary<String> years = Arbitraries.oneOf(
                Arbitraries.integers().between(-10_001, 10_001).map(String::valueOf),
                Arbitraries.of("1949.0", "1.5", "1e3", "-0", "\"1949\"", "null", "true", "[]", "{}"),
                hugeNumbers());
        Arbitrary<String> member = Combinators.combine(
                        Arbitraries.of("title", "author", "year", "id", "version", "isbn", "publisher", "Title", ""),
                        Arbitraries.oneOf(titles, years))
                .as((name, value) -> quote(name) + ":" + value);
        Arbitrary<String> valid = Combinators.combine(titles, titles, years)
                .as((t, a, y) -> "{\"title\":" + t + ",\"author\":" + a + ",\"year\":" + y + "}");
        Arbitrary<String> mixed = member.list().ofMaxSize(5).map(members -> "{" + String.join(",", members) + "}");
        return Arbitraries.oneOf(valid, valid, mixed);
    }

    /** Any JSON value up to a depth. */
    private Arbitrary<String> json(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.just("null"),
                Arbitraries.of("true", "false"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(d -> !d.contains("Infinity") && !d.contains("NaN")),
                Arbitraries.strings().all().ofMaxLength(20).map(BookRequestProperties::quote));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> arrays = json(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> objects = Combinators.combine(
                        Arbitraries.strings().all().ofMaxLength(8), json(depth - 1))
                .as((k, v) -> quote(k) + ":" + v)
                .list()
                .ofMaxSize(4)
                .map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    private Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 3000), Arbitraries.of("[", "{\"a\":"))
                .as((depth, open) -> open.repeat(depth) + "1" + (open.equals("[") ? "]" : "}").repeat(depth));
    }

    private Arbitrary<String> hugeNumbers() {
        return Arbitraries.oneOf(
                Arbitraries.bigIntegers()
                        .between(BigInteger.TEN.pow(20).negate(), BigInteger.TEN.pow(20))
                        .map(BigInteger::toString),
                Arbitraries.integers().between(10, 2000).map(n -> "9".repeat(n)),
                Arbitraries.integers().between(10, 400).map(n -> "1e" + n),
                Arbitraries.integers().between(10, 400).map(n -> "0." + "0".repeat(n) + "1"));
    }

    @Provide
    Arbitrary<String> pathSegments() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
                Arbitraries.longs().map(String::valueOf),
                hugeNumbers(),
                Arbitraries.of("0", "-1", "1.0", " 1", "1 ", "0x1", "+1", "%00", ".."));
    }

    @Provide
    Arbitrary<String> queryNames() {
        return Arbitraries.of("limit", "after", "author", "year", "q", "other");
    }

    @Provide
    Arbitrary<String> queryValues() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(120),
                Arbitraries.longs().map(String::valueOf),
                hugeNumbers(),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(5));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static void assertNo5xx(Response res) {
        assertThat(res.body(), res.status(), lessThan(500));
        assertThat(res.body(), EXPECTED.contains(res.status()), is(true));
        if (res.status() >= 400) {
            assertThat(res.mediaType(), is("application/problem+json"));
            assertThat(res.json().has("error"), is(true));
            assertThat(res.body(), not(containsString("Exception")));
            assertThat(res.body(), not(containsString("SQL")));
        }
    }

    /** A JSON string literal; control characters and surrogates are written as escapes, so lone ones survive. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static byte[] withRawByte(String text, int position, byte raw) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Byte> out = new ArrayList<>(bytes.length + 1);
        int at = Math.min(position, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (i == at) {
                out.add(raw);
            }
            out.add(bytes[i]);
        }
        if (at == bytes.length) {
            out.add(raw);
        }
        byte[] result = new byte[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("the service accepted a body the test cannot parse", e);
        }
    }
}

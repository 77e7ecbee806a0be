package dev.books.book;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.books.Api;
import dev.books.Api.Response;
import dev.books.OpenApiDocument;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * The service and its OpenAPI document agree on text and numbers: for every text field (title, author) and text
 * filter (author, q) the service accepts exactly the strings the document's schema accepts, counting code points
 * (characters beyond the Basic Multilingual Plane are one each) and refusing strings with no visible character
 * (only Unicode White_Space and format characters such as U+00A0, U+FEFF, U+2007, U+202F, U+E0020). Every answer
 * is checked against the document. Subclasses choose the database.
 */
abstract class BookTextProperties {
    private static final String BOOKS = "/books";
    private static final String TITLE = "/components/schemas/Title";
    private static final String BOOK = "{\"title\":%s,\"author\":%s,\"year\":2000}";
    /** Characters that show nothing: Unicode White_Space and format characters (Cf), in and beyond the BMP. */
    private static final List<String> BLANK = List.of(
            " ",
            "\u00a0",
            "\u1680",
            "\u2007",
            "\u2028",
            "\u202f",
            "\u3000",
            "\u00ad",
            "\u200b",
            "\u2060",
            "\ufeff",
            "\ud834\udd73",
            "\udb40\udc01",
            "\udb40\udc20");

    private static final String BOOK_EMOJI = "\ud83d\udcda";

    /**
     * Client of the server under test.
     *
     * @return client
     */
    protected abstract Api api();

    @Example
    void blankLookingTextIsRefusedEverywhere() {
        for (String blank : BLANK) {
            String text = OpenApiDocument.jsonString(blank.repeat(3));
            Response title = conforming(api().post(BOOKS, BOOK.formatted(text, "\"A\"")), "post", BOOKS);
            assertThat(blank, title.status(), is(400));
            assertThat(title.body(), containsString("must contain a visible character"));
            assertThat(
                    conforming(api().post(BOOKS, BOOK.formatted("\"T\"", text)), "post", BOOKS)
                            .status(),
                    is(400));
            assertThat(
                    conforming(api().get(BOOKS + "?author=" + encode(blank)), "get", BOOKS)
                            .status(),
                    is(400));
            assertThat(
                    conforming(api().get(BOOKS + "?q=" + encode(blank.repeat(3))), "get", BOOKS)
                            .status(),
                    is(400));
        }
        long id = create("\"T\"", "\"A\"");
        Response put = conforming(api().put(BOOKS + "/" + id, "{\"title\":\"\\u00a0\"}"), "put", "/books/{id}");
        assertThat(put.status(), is(400));
    }

    @Example
    void lengthsAreCountedInCodePoints() {
        String title300 = BOOK_EMOJI.repeat(300);
        long id = create(OpenApiDocument.jsonString(title300), OpenApiDocument.jsonString(title300));
        create(OpenApiDocument.jsonString(BOOK_EMOJI.repeat(500)), OpenApiDocument.jsonString(BOOK_EMOJI.repeat(500)));
        Response stored = conforming(api().get(BOOKS + "/" + id), "get", "/books/{id}");
        assertThat(stored.json().get("title").asText(), is(title300));
        String tooLong = OpenApiDocument.jsonString(BOOK_EMOJI.repeat(501));
        assertThat(
                conforming(api().post(BOOKS, BOOK.formatted(tooLong, "\"A\"")), "post", BOOKS)
                        .status(),
                is(400));

        assertThat(
                conforming(api().get(BOOKS + "?q=" + encode(BOOK_EMOJI.repeat(60))), "get", BOOKS)
                        .status(),
                is(200));
        assertThat(
                conforming(api().get(BOOKS + "?q=" + encode(BOOK_EMOJI.repeat(100))), "get", BOOKS)
                        .status(),
                is(200));
        assertThat(
                conforming(api().get(BOOKS + "?q=" + encode(BOOK_EMOJI.repeat(101))), "get", BOOKS)
                        .status(),
                is(400));
        assertThat(
                conforming(api().get(BOOKS + "?q=" + encode(BOOK_EMOJI.repeat(2))), "get", BOOKS)
                        .status(),
                is(400));
        Response byAuthor = conforming(api().get(BOOKS + "?author=" + encode(title300)), "get", BOOKS);
        assertThat(byAuthor.json().has(Long.toString(id)), is(true));
    }

    @Example
    void afterTakesTheWholeInt64Range() {
        Response last = conforming(api().get(BOOKS + "?after=9223372036854775807"), "get", BOOKS);
        assertThat(last.status(), is(200));
        assertThat(last.body(), is("{}"));
        for (String after : List.of("9223372036854775808", "99999999999999999999", "-1", "+1")) {
            assertThat(
                    after,
                    conforming(api().get(BOOKS + "?after=" + after), "get", BOOKS)
                            .status(),
                    is(400));
        }
    }

    @Example
    void integralNumbersAreIntegers() {
        for (String year : List.of("1965.0", "1.965e3", "1965.000")) {
            Response created = conforming(
                    api().post(BOOKS, "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":" + year + "}"),
                    "post",
                    BOOKS);
            assertThat(year, created.status(), is(201));
            assertThat(created.body(), created.json().get("year").asInt(), is(1965));
        }
        long id = create("\"T\"", "\"A\"");
        Response changed = conforming(
                api().put(BOOKS + "/" + id, "{\"year\":1966.0,\"version\":1.0,\"id\":" + id + ".0}"),
                "put",
                "/books/{id}");
        assertThat(changed.body(), changed.json().get("year").asInt(), is(1966));
        for (String year : List.of("1965.5", "1e-3", "\"1965\"")) {
            Response refused = conforming(
                    api().post(BOOKS, "{\"title\":\"T\",\"author\":\"A\",\"year\":" + year + "}"), "post", BOOKS);
            assertThat(year, refused.status(), is(400));
        }
    }

    @Property(tries = 150)
    void titlesAndAuthorsAreAcceptedExactlyWhenTheDocumentAcceptsThem(@ForAll("texts") String text) {
        boolean valid = documentAccepts(TITLE, text);
        String json = OpenApiDocument.jsonString(text);
        Response asTitle = conforming(api().post(BOOKS, BOOK.formatted(json, "\"A\"")), "post", BOOKS);
        Response asAuthor = conforming(api().post(BOOKS, BOOK.formatted("\"T\"", json)), "post", BOOKS);
        Statistics.collect(valid);
        Statistics.coverage(coverage -> {
            coverage.check(true).percentage(p -> p > 20);
            coverage.check(false).percentage(p -> p > 20);
        });
        assertThat(asTitle.body(), asTitle.status(), is(valid ? 201 : 400));
        assertThat(asAuthor.body(), asAuthor.status(), is(valid ? 201 : 400));
        if (valid) {
            Response stored = conforming(api().get(asTitle.header("Location").orElseThrow()), "get", "/books/{id}");
            assertThat(stored.json().get("title").asText(), is(text));
        }
        // Past 4096 bytes of request line the answer is 414, whatever the text.
        boolean fits = encode(text).length() < 4000;
        Response page = conforming(api().get(BOOKS + "?author=" + encode(text)), "get", BOOKS);
        assertThat(page.body(), page.status(), is(fits ? (valid ? 200 : 400) : 414));
        if (valid && fits) {
            assertThat(page.json().has(asAuthor.json().get("id").asText()), is(true));
        }
    }

    @Property(tries = 150)
    void searchTextIsAcceptedExactlyWhenTheDocumentAcceptsIt(@ForAll("texts") String q) {
        String schema = "/components/parameters/q/schema";
        boolean valid = documentAccepts(schema, q);
        Response res = conforming(api().get(BOOKS + "?q=" + encode(q)), "get", BOOKS);
        assertThat(res.body(), res.status(), is(encode(q).length() < 4000 ? (valid ? 200 : 400) : 414));
    }

    /** Text of 0 to 520 code points from pools of ASCII, other BMP, astral and blank-looking characters. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> ascii = Arbitraries.chars().range('!', '~').map(String::valueOf);
        Arbitrary<String> bmp = Arbitraries.integers()
                .between(0xa1, 0xfffd)
                .filter(cp -> !Character.isSurrogate((char) (int) cp) && Character.isDefined(cp))
                .map(Character::toString);
        Arbitrary<String> astral = Arbitraries.integers()
                .between(0x10000, 0x10ffff)
                .filter(Character::isDefined)
                .map(Character::toString);
        Arbitrary<String> blank = Arbitraries.of(BLANK);
        Arbitrary<String> character = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, ascii),
                net.jqwik.api.Tuple.of(2, bmp),
                net.jqwik.api.Tuple.of(3, astral),
                net.jqwik.api.Tuple.of(3, blank));
        Arbitrary<String> mixed = character.list().ofMaxSize(12).map(list -> String.join("", list));
        Arbitrary<String> onlyBlank = blank.list().ofMinSize(1).ofMaxSize(6).map(list -> String.join("", list));
        Arbitrary<String> long500 = Arbitraries.integers()
                .between(495, 505)
                .flatMap(n -> Arbitraries.of(BOOK_EMOJI, "\u4e2d", "a").map(c -> c.repeat(n)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, mixed),
                net.jqwik.api.Tuple.of(3, onlyBlank),
                net.jqwik.api.Tuple.of(1, long500));
    }

    /**
     * Whether the document accepts a text, with the exception its Title schema describes: format characters beyond
     * the BMP count as blank although the pattern cannot list them, so the text must also pass with each of them
     * replaced by a blank character the pattern lists (U+200B, also a format character).
     */
    private static boolean documentAccepts(String schema, String text) {
        StringBuilder bmpFormat = new StringBuilder();
        text.codePoints()
                .map(cp -> cp >= 0x10000 && Character.getType(cp) == Character.FORMAT ? 0x200b : cp)
                .forEach(bmpFormat::appendCodePoint);
        return OpenApiDocument.validate(schema, OpenApiDocument.jsonString(text), "text")
                        .isEmpty()
                && OpenApiDocument.validate(schema, OpenApiDocument.jsonString(bmpFormat.toString()), "text")
                        .isEmpty();
    }

    private long create(String titleJson, String authorJson) {
        Response created = conforming(api().post(BOOKS, BOOK.formatted(titleJson, authorJson)), "post", BOOKS);
        assertThat(created.body(), created.status(), is(201));
        return created.json().get("id").asLong();
    }

    private static Response conforming(Response res, String method, String path) {
        assertThat(OpenApiDocument.violations(res, method, path), is(empty()));
        return res;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package dev.books.book;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.books.Api;
import dev.books.Api.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The HTTP contract of the books API: the original Flask service's behaviour, plus the rules for bad input.
 * Runs against H2 ({@link H2BookApiTest}) and PostgreSQL ({@link PostgresBookApiTest}).
 *
 * <p>Tests do not depend on each other: each creates the books it changes; the sample books (ids 1 and 2) are
 * only read.
 */
abstract class BookApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String DUNE = "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965}";

    private final Api api;

    BookApiContract(Api api) {
        this.api = api;
    }

    /** Every test leaves a service that still answers. */
    @AfterEach
    void serviceStillServes() {
        assertThat(api.get("/books/1").status(), is(200));
    }

    // --- the original API's ten cases ---------------------------------------------------------------------------

    @Test
    void getAllBooksReturnsObjectKeyedByIdInAscendingOrder() {
        Response res = api.get("/books");

        assertThat(res.status(), is(200));
        assertThat(res.mediaType(), is("application/json"));
        JsonNode books = res.json();
        assertThat(books.isObject(), is(true));
        assertBook(books.get("1"), 1, "1984", "George Orwell", 1949);
        assertBook(books.get("2"), 2, "To Kill a Mockingbird", "Harper Lee", 1960);
        List<Long> ids = new ArrayList<>();
        books.properties().forEach(e -> ids.add(Long.parseLong(e.getKey())));
        assertThat(ids, is(ids.stream().sorted().toList()));
    }

    @Test
    void getBookById() {
        Response res = api.get("/books/1");

        assertThat(res.status(), is(200));
        assertBook(res.json(), 1, "1984", "George Orwell", 1949);
    }

    @Test
    void getUnknownBookIsNotFound() {
        Response res = api.get("/books/987654321");

        assertProblem(res, 404, "Book not found");
    }

    @Test
    void addBook() {
        Response res = api.post("/books", DUNE);

        assertThat(res.status(), is(201));
        JsonNode book = res.json();
        long id = book.get("id").asLong();
        assertBook(book, id, "Dune", "Frank Herbert", 1965);
        assertThat(res.header("Location").orElseThrow(), is("/books/" + id));
        assertBook(api.get("/books/" + id).json(), id, "Dune", "Frank Herbert", 1965);
    }

    @Test
    void addBookWithMissingDataIsRejected() {
        Response res = api.post("/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}");

        assertProblem(res, 400, "Missing data");
        assertThat(fields(res), hasItem("year"));
    }

    @Test
    void updateBookReplacesOnlyTheFieldsSent() {
        long id = create();

        Response res = api.put("/books/" + id, "{\"year\":1966}");

        assertThat(res.status(), is(200));
        assertBook(res.json(), id, "Dune", "Frank Herbert", 1966);
        assertBook(api.get("/books/" + id).json(), id, "Dune", "Frank Herbert", 1966);
    }

    @Test
    void updateUnknownBookIsNotFound() {
        assertProblem(api.put("/books/987654321", "{\"year\":1966}"), 404, "Book not found");
    }

    @Test
    void deleteBook() {
        long id = create();

        Response res = api.delete("/books/" + id);

        assertThat(res.status(), is(204));
        assertThat(res.body(), is(""));
        assertProblem(api.get("/books/" + id), 404, "Book not found");
    }

    @Test
    void deleteUnknownBookIsNotFound() {
        assertProblem(api.delete("/books/987654321"), 404, "Book not found");
    }

    @Test
    void createReadUpdateDeleteFlow() {
        Response created =
                api.post("/books", "{\"title\":\"Neuromancer\",\"author\":\"William Gibson\",\"year\":1984}");
        assertThat(created.status(), is(201));
        long id = created.json().get("id").asLong();

        assertBook(api.get("/books/" + id).json(), id, "Neuromancer", "William Gibson", 1984);

        Response updated = api.put("/books/" + id, "{\"title\":\"Count Zero\",\"year\":1986}");
        assertThat(updated.status(), is(200));
        assertBook(updated.json(), id, "Count Zero", "William Gibson", 1986);

        assertThat(api.delete("/books/" + id).status(), is(204));
        assertProblem(api.get("/books/" + id), 404, "Book not found");
        assertThat(api.get("/books").json().has(Long.toString(id)), is(false));
    }

    // --- listing ----------------------------------------------------------------------------------------------

    @Test
    void listIsPagedWithNextLink() {
        long first = create();
        create();
        create();

        Response page = api.get("/books?limit=2&after=" + (first - 1));

        assertThat(page.status(), is(200));
        assertThat(page.json().size(), is(2));
        String link = page.header("Link").orElseThrow();
        long lastId = first + 1;
        assertThat(link, is("</books?limit=2&after=" + lastId + ">; rel=\"next\""));
        Response next = api.get(link.substring(1, link.indexOf('>')));
        assertThat(next.status(), is(200));
        assertThat(next.json().get(Long.toString(lastId + 1)).get("id").asLong(), is(lastId + 1));
    }

    @Test
    void lastPageHasNoNextLink() {
        long id = create();

        Response page = api.get("/books?after=" + (id - 1));

        assertThat(page.header("Link").isPresent(), is(false));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "limit=0",
                "limit=1001",
                "limit=abc",
                "limit=-1",
                "after=-5",
                "after=x",
                "limit=99999999999999999999999"
            })
    void badPagingParametersAreRejected(String query) {
        assertProblem(api.get("/books?" + query), 400, "Invalid query");
    }

    // --- bad input -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{",
                "{\"title\": }",
                "not json",
                "{\"title\":\"a\"} trailing",
                "",
                "{\"title\":\"a\",\"title\":\"b\",\"author\":\"c\",\"year\":1}"
            })
    void malformedJsonIsRejected(String body) {
        assertProblem(api.post("/books", body), 400, "Malformed JSON");
        long id = create();
        assertProblem(api.put("/books/" + id, body), 400, "Malformed JSON");
        assertUnchanged(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1,2]", "\"Dune\"", "42", "true", "null"})
    void bodyThatIsNotAnObjectIsRejected(String body) {
        assertProblem(api.post("/books", body), 400, "Invalid data");
        long id = create();
        assertProblem(api.put("/books/" + id, body), 400, "Invalid data");
        assertUnchanged(id);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":\"abc\"}",
                "{\"title\":5,\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":true,\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":[\"a\"],\"year\":1965}",
                "{\"title\":{\"x\":1},\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965.5}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1e-3}",
                "{\"title\":\"\\u00a0\\ufeff\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":99999999999999999999}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":10000}",
                "{\"title\":\"\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"   \",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":\"Frank\\u0000Herbert\",\"year\":1965}",
                "{\"title\":\"Du\\nne\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"\\ud800\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965,\"publisher\":\"x\"}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965,\"isbn\":\"978-0-441-17271-8\"}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965,\"isbn\":9780441172719}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965,\"id\":7}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965,\"version\":1}"
            })
    void invalidMembersAreRejectedOnCreate(String body) {
        int before = api.get("/books?limit=1000").json().size();

        Response res = api.post("/books", body);

        assertProblem(res, 400, "Invalid data");
        assertThat(fields(res).size(), greaterThan(0));
        assertThat(api.get("/books?limit=1000").json().size(), is(before));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"year\":\"abc\"}",
                "{\"title\":5}",
                "{\"title\":null}",
                "{\"year\":null}",
                "{\"author\":\"\"}",
                "{\"title\":\"ok\",\"year\":1.5}",
                "{\"publisher\":\"x\"}",
                "{\"isbn\":\"0-441-17271-8\"}",
                "{\"isbn\":null}",
                "{\"id\":999999}",
                "{\"version\":0}",
                "{\"version\":\"1\"}",
                "{\"title\":\"ok\",\"author\":\"\\u0007\"}"
            })
    void invalidChangesAreRejectedAndLeaveTheBookAsItWas(String body) {
        long id = create();

        assertProblem(api.put("/books/" + id, body), 400, "Invalid data");

        assertUnchanged(id);
    }

    @Test
    void titleOfMaximumLengthIsAcceptedOneMoreIsRejected() {
        String longest = "x".repeat(BookJson.MAX_TEXT_LENGTH);
        Response ok = api.post("/books", "{\"title\":\"" + longest + "\",\"author\":\"A\",\"year\":1}");
        assertThat(ok.status(), is(201));
        assertThat(
                api.get("/books/" + ok.json().get("id").asLong())
                        .json()
                        .get("title")
                        .asText(),
                is(longest));

        Response tooLong = api.post("/books", "{\"title\":\"" + longest + "x\",\"author\":\"A\",\"year\":1}");
        assertProblem(tooLong, 400, "Invalid data");
    }

    @Test
    void unicodeIsStoredExactly() throws Exception {
        String title = "Ἰλιάς — 平家物語 🐉 \"quoted\" \\ back";
        String body = JSON.writeValueAsString(Map.of("title", title, "author", "Homer", "year", -700));

        Response res = api.post("/books", body);

        assertThat(res.status(), is(201));
        JsonNode stored = api.get("/books/" + res.json().get("id").asLong()).json();
        assertThat(stored.get("title").asText(), is(title));
        assertThat(stored.get("year").asInt(), is(-700));
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] body = "{\"title\":\"X\",\"author\":\"Y\",\"year\":1}".getBytes(StandardCharsets.UTF_8);
        body[11] = (byte) 0xC3; // a lead byte followed by an ASCII quote: not UTF-8

        Response res = api.send("POST", "/books", "application/json", body);

        assertProblem(res, 400, "Malformed JSON");
    }

    @Test
    void deeplyNestedJsonIsRejected() {
        String nested = "[".repeat(5000) + "]".repeat(5000);

        Response res = api.post("/books", "{\"title\":" + nested + ",\"author\":\"A\",\"year\":1}");

        assertProblem(res, 400, "Malformed JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-1", "1.5", "99999999999999999999", "9223372036854775808", "%20", "1e3"})
    void invalidIdsAreRejected(String id) {
        assertProblem(api.get("/books/" + id), 400, "Invalid id");
        assertProblem(api.put("/books/" + id, "{\"year\":1}"), 400, "Invalid id");
        assertProblem(api.delete("/books/" + id), 400, "Invalid id");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/xml",
                "application/json; charset=ISO-8859-1",
                "multipart/form-data; boundary=x"
            })
    void wrongContentTypeIsUnsupported(String contentType) {
        byte[] body = DUNE.getBytes(StandardCharsets.UTF_8);
        assertProblem(api.send("POST", "/books", contentType, body), 415, "Unsupported media type");
        long id = create();
        assertProblem(
                api.send("PUT", "/books/" + id, contentType, "{\"year\":1}".getBytes(StandardCharsets.UTF_8)),
                415,
                "Unsupported media type");
        assertUnchanged(id);
    }

    @Test
    void missingContentTypeIsUnsupported() {
        assertProblem(
                api.send("POST", "/books", null, DUNE.getBytes(StandardCharsets.UTF_8)), 415, "Unsupported media type");
    }

    @Test
    void jsonWithUtf8CharsetOrStructuredSuffixIsAccepted() {
        byte[] body = DUNE.getBytes(StandardCharsets.UTF_8);
        assertThat(
                api.send("POST", "/books", "application/json; charset=utf-8", body)
                        .status(),
                is(201));
        assertThat(
                api.send("POST", "/books", "application/vnd.books+json", body).status(), is(201));
    }

    @Test
    void oversizedBodyIsRejected() {
        String padding = " ".repeat(20_000);

        Response res = api.post("/books", "{\"title\":\"Dune\"," + padding + "\"author\":\"A\",\"year\":1}");

        assertProblem(res, 413, "Payload too large");
    }

    @Test
    void oversizedHeadersAndUrisAreRejectedWithJson() {
        Response headers = api.get("/books/1", "X-Padding", "a".repeat(20_000));
        assertThat(headers.status(), is(400));
        assertThat(headers.mediaType(), is("application/problem+json"));
        assertThat(headers.json().has("error"), is(true));

        Response uri = api.get("/books?q=" + "a".repeat(5_000));
        assertThat(uri.status(), is(414));
        assertThat(uri.mediaType(), is("application/problem+json"));
        assertThat(uri.json().get("error").asText(), is("URI too long"));
    }

    @Test
    void unknownPathIsJsonNotFound() {
        assertProblem(api.get("/nothing/here"), 404, "Not found");
        assertProblem(api.get("/books/1/extra"), 404, "Not found");
    }

    @Test
    void unsupportedMethodIsJsonMethodNotAllowed() {
        Response onBook = api.send("PATCH", "/books/1", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertProblem(onBook, 405, "Method not allowed");
        assertThat(onBook.header("Allow").orElseThrow(), is("GET, HEAD, PUT, DELETE"));
        Response onCollection = api.delete("/books");
        assertProblem(onCollection, 405, "Method not allowed");
        assertThat(onCollection.header("Allow").orElseThrow(), is("GET, HEAD, POST"));
    }

    // --- filters -------------------------------------------------------------------------------------------

    @Test
    void filtersByAuthorYearAndTextCombineWithPaging() {
        String token = token();
        String author = "Author " + token;
        long a1 = create("Alpha " + token + " one", author, 2001);
        long a2 = create("Beta two", author, 2002);
        long a3 = create("Gamma three", author, 2001);
        long other = create("alpha " + token.toUpperCase(java.util.Locale.ROOT) + " other", "Someone Else", 2001);

        assertThat(ids(api.get("/books?author=" + enc(author))), is(List.of(a1, a2, a3)));
        assertThat(ids(api.get("/books?author=" + enc(author) + "&year=2001")), is(List.of(a1, a3)));
        assertThat(ids(api.get("/books?q=" + enc("ALPHA " + token))), is(List.of(a1, other)));
        assertThat(
                ids(api.get("/books?q=" + enc("alpha " + token) + "&year=2001&author=" + enc(author))),
                is(List.of(a1)));
        assertThat(
                "q matches the author too", ids(api.get("/books?q=" + enc("thor " + token))), is(List.of(a1, a2, a3)));
        assertThat(ids(api.get("/books?author=" + enc(author.toLowerCase(java.util.Locale.ROOT)))), is(List.of()));

        Response first = api.get("/books?limit=2&author=" + enc(author));
        assertThat(ids(first), is(List.of(a1, a2)));
        String link = first.header("Link").orElseThrow();
        assertThat(link, containsString("author=" + enc(author)));
        Response second = api.get(link.substring(1, link.indexOf('>')));
        assertThat(ids(second), is(List.of(a3)));
        assertThat(second.header("Link").isPresent(), is(false));
    }

    @Test
    void textFilterTreatsWildcardsLiterally() {
        String token = token();
        long literal = create("50%_off " + token, "A", 1);
        create("50xyoff " + token, "A", 1);

        assertThat(ids(api.get("/books?q=" + enc("50%_off " + token))), is(List.of(literal)));
        assertThat(ids(api.get("/books?q=" + enc("\\" + token))), is(List.of()));
    }

    @Test
    void textFilterFoldsCaseBeyondAsciiAndNeverSpansTitleAndAuthor() {
        String token = token();
        long book = create("Café " + token, "Émile " + token, 1);

        assertThat(ids(api.get("/books?q=" + enc("CAFÉ " + token))), is(List.of(book)));
        assertThat(
                ids(api.get("/books?q=" + enc("émile " + token.toUpperCase(java.util.Locale.ROOT)))),
                is(List.of(book)));
        assertThat(
                "the end of the title and the start of the author",
                ids(api.get("/books?q=" + enc(token + "émile"))),
                is(List.of()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "year=abc",
                "year=10000",
                "year=-10000",
                "year=1.5",
                "q=ab",
                "q=%20%20%20",
                "author=%20",
                "author=a%00b"
            })
    void badFiltersAreRejected(String query) {
        assertProblem(api.get("/books?" + query), 400, "Invalid query");
    }

    @Test
    void longTextFilterIsRejected() {
        assertProblem(api.get("/books?q=" + "x".repeat(101)), 400, "Invalid query");
    }

    // --- versions, ETags and conditional requests ---------------------------------------------------------

    @Test
    void getSendsStrongEtagAndHonoursIfNoneMatch() {
        long id = create();

        Response res = api.get("/books/" + id);
        assertThat(res.header("ETag").orElseThrow(), is("\"1\""));

        for (String tags : List.of("\"1\"", "W/\"1\"", "\"7\", \"1\"", "*")) {
            Response notModified = api.get("/books/" + id, "If-None-Match", tags);
            assertThat(tags, notModified.status(), is(304));
            assertThat(notModified.body(), is(""));
            assertThat(notModified.header("ETag").orElseThrow(), is("\"1\""));
        }
        assertThat(api.get("/books/" + id, "If-None-Match", "\"2\"").status(), is(200));
    }

    @Test
    void ifMatchUpdatesOnlyTheCurrentVersion() {
        long id = create();

        Response updated = api.put("/books/" + id, "{\"year\":1970}", "If-Match", "\"1\"");
        assertThat(updated.status(), is(200));
        assertThat(updated.json().get("version").asInt(), is(2));
        assertThat(updated.header("ETag").orElseThrow(), is("\"2\""));

        Response stale = api.put("/books/" + id, "{\"year\":1980}", "If-Match", "\"1\"");
        assertProblem(stale, 412, "Precondition failed");
        assertProblem(api.put("/books/" + id, "{\"year\":1980}", "If-Match", "W/\"2\""), 412, "Precondition failed");
        assertProblem(api.put("/books/" + id, "{\"year\":1980,\"version\":1}"), 412, "Precondition failed");
        JsonNode unchanged = api.get("/books/" + id).json();
        assertThat(unchanged.get("year").asInt(), is(1970));
        assertThat(unchanged.get("version").asInt(), is(2));

        assertThat(api.put("/books/" + id, "{\"year\":1990}", "If-Match", "*").status(), is(200));
        assertThat(api.put("/books/" + id, "{\"year\":1991,\"version\":3}").status(), is(200));
        assertProblem(api.put("/books/987654321", "{\"year\":1}", "If-Match", "\"1\""), 404, "Book not found");
    }

    @Test
    void getThenPutRoundTripIsAccepted() {
        long id = create();
        JsonNode read = api.get("/books/" + id).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) read).put("title", "Dune Messiah");

        Response res = api.put("/books/" + id, read.toString());

        assertThat(res.status(), is(200));
        assertBook(res.json(), id, "Dune Messiah", "Frank Herbert", 1965);
        assertThat(res.json().get("version").asInt(), is(2));
    }

    @Test
    void ifMatchDeletesOnlyTheCurrentVersion() {
        long id = create();
        api.put("/books/" + id, "{\"year\":1970}");

        assertProblem(api.delete("/books/" + id, "If-Match", "\"1\""), 412, "Precondition failed");
        assertThat(api.get("/books/" + id).status(), is(200));

        assertThat(api.delete("/books/" + id, "If-Match", "\"2\"").status(), is(204));
        assertProblem(api.get("/books/" + id), 404, "Book not found");
        assertProblem(api.delete("/books/" + id, "If-Match", "*"), 404, "Book not found");
    }

    @Test
    void withoutIfMatchTheLastWriteWins() {
        long id = create();

        assertThat(api.put("/books/" + id, "{\"title\":\"First\"}").status(), is(200));
        Response second = api.put("/books/" + id, "{\"title\":\"Second\"}");

        assertThat(second.status(), is(200));
        assertThat(second.json().get("title").asText(), is("Second"));
        assertThat(second.json().get("version").asInt(), is(3));
    }

    @Test
    void racingConditionalUpdatesNeverOverwriteEachOther() throws Exception {
        long id = create();
        int writers = 8;
        CyclicBarrier allRead = new CyclicBarrier(writers);
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String title = "writer-" + i;
            tasks.add(() -> {
                String etag = api.get("/books/" + id).header("ETag").orElseThrow();
                allRead.await(30, TimeUnit.SECONDS);
                return api.put("/books/" + id, "{\"title\":\"" + title + "\"}", "If-Match", etag);
            });
        }

        List<Response> answers = runConcurrently(tasks);

        List<Response> won = answers.stream().filter(r -> r.status() == 200).toList();
        assertThat(
                "exactly one writer may win: "
                        + answers.stream().map(Response::status).toList(),
                won.size(),
                is(1));
        assertThat(answers.stream().filter(r -> r.status() == 412).count(), is((long) writers - 1));
        JsonNode stored = api.get("/books/" + id).json();
        assertThat(
                stored.get("title").asText(),
                is(won.getFirst().json().get("title").asText()));
        assertThat(stored.get("version").asInt(), is(2));
    }

    /** Answers are written into pooled buffers: concurrent readers must each get exactly their own book. */
    @Test
    void concurrentReadersEachGetExactlyTheirOwnBooks() throws Exception {
        int readers = 8;
        String token = token();
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            String title = Character.toString('a' + i).repeat(BookJson.MAX_TEXT_LENGTH - i);
            String author = "Reader " + i + " " + token;
            long id = create(title, author, 2000 + i);
            tasks.add(() -> {
                for (int round = 0; round < 30; round++) {
                    Response one = api.get("/books/" + id);
                    if (!title.equals(one.json().get("title").asText())) {
                        return one;
                    }
                    Response page = api.get("/books?author=" + enc(author));
                    if (page.json().size() != 1
                            || !title.equals(page.json()
                                    .get(Long.toString(id))
                                    .get("title")
                                    .asText())) {
                        return page;
                    }
                }
                return null;
            });
        }

        List<Response> wrong = runConcurrently(tasks);

        assertThat(wrong.stream().filter(Objects::nonNull).map(Response::body).toList(), is(List.of()));
    }

    // --- idempotent create -----------------------------------------------------------------------------------

    @Test
    void retryWithSameIdempotencyKeyReturnsTheSameBook() {
        String key = UUID.randomUUID().toString();

        Response first = api.post("/books", DUNE, "Idempotency-Key", key);
        Response retry = api.post(
                "/books",
                "{ \"year\": 1965, \"author\": \"Frank Herbert\", \"title\": \"Dune\" }",
                "Idempotency-Key",
                key);

        assertThat(first.status(), is(201));
        assertThat(first.header("Idempotent-Replayed").isPresent(), is(false));
        assertThat(retry.status(), is(201));
        assertThat(retry.header("Idempotent-Replayed").orElseThrow(), is("true"));
        assertThat(retry.body(), is(first.body()));
        assertThat(retry.header("Location"), is(first.header("Location")));
    }

    @Test
    void sameIdempotencyKeyWithAnotherBookIsRefused() {
        String key = UUID.randomUUID().toString();
        long id = api.post("/books", DUNE, "Idempotency-Key", key)
                .json()
                .get("id")
                .asLong();

        Response other =
                api.post("/books", "{\"title\":\"Other\",\"author\":\"A\",\"year\":1}", "Idempotency-Key", key);

        assertProblem(other, 422, "Idempotency key reused");
        assertThat(api.get("/books?after=" + id).json().size(), is(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "tab\tkey"})
    void invalidIdempotencyKeyIsRejected(String key) {
        assertProblem(api.post("/books", DUNE, "Idempotency-Key", key), 400, "Invalid Idempotency-Key");
        assertProblem(api.post("/books", DUNE, "Idempotency-Key", "k".repeat(256)), 400, "Invalid Idempotency-Key");
    }

    @Test
    void racingRequestsWithOneIdempotencyKeyCreateOneBook() throws Exception {
        String key = UUID.randomUUID().toString();
        String author = "Idem " + token();
        String body = "{\"title\":\"Once\",\"author\":\"" + author + "\",\"year\":2000}";
        int clients = 8;
        CyclicBarrier start = new CyclicBarrier(clients);
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            tasks.add(() -> {
                start.await(30, TimeUnit.SECONDS);
                return api.post("/books", body, "Idempotency-Key", key);
            });
        }

        List<Response> answers = runConcurrently(tasks);

        assertThat(answers.stream().map(Response::status).distinct().toList(), is(List.of(201)));
        assertThat(answers.stream().map(Response::body).distinct().count(), is(1L));
        assertThat(
                answers.stream()
                        .filter(r -> r.header("Idempotent-Replayed").isEmpty())
                        .count(),
                is(1L));
        assertThat(api.get("/books?author=" + enc(author)).json().size(), is(1));
    }

    @Test
    void headAnswersLikeGetWithoutABody() {
        for (String path : List.of("/books/1", "/books?limit=2", "/books/987654321", "/books/abc")) {
            Response get = api.get(path);
            Response head = api.send("HEAD", path, null, null);

            assertThat(path, head.status(), is(get.status()));
            assertThat(path, head.body(), is(""));
            for (String header : List.of("Content-Type", "Content-Length", "ETag", "Link")) {
                assertThat(path + " " + header, head.header(header), is(get.header(header)));
            }
        }
        Response notModified = api.send("HEAD", "/books/1", null, null, "If-None-Match", "\"1\"");
        assertThat(notModified.status(), is(304));
        assertThat(notModified.header("ETag").orElseThrow(), is("\"1\""));
    }

    // --- ISBN ------------------------------------------------------------------------------------------------

    @Test
    void isbnIsOptionalNormalisedToIsbn13AndReturned() {
        String isbn13 = isbn13("978");
        String hyphenated = isbn13.substring(0, 3) + "-" + isbn13.substring(3, 5) + " " + isbn13.substring(5);
        Response created =
                api.post("/books", "{\"title\":\"T\",\"author\":\"A\",\"year\":1,\"isbn\":\"" + hyphenated + "\"}");

        assertThat(created.body(), created.status(), is(201));
        assertThat(created.json().get("isbn").asText(), is(isbn13));
        long id = created.json().get("id").asLong();
        assertThat(api.get("/books/" + id).json().get("isbn").asText(), is(isbn13));
        assertThat(
                "a book without ISBN has no isbn member",
                api.get("/books/1").json().has("isbn"),
                is(false));
    }

    @Test
    void isbn10IsConvertedToIsbn13() {
        // An ISBN-10 is kept as its ISBN-13 (978 + the first nine digits + a new check digit); both find the book.
        String title = "Ten " + token();
        String isbn10 = isbn10();
        Response created = api.post(
                "/books", "{\"title\":\"" + title + "\",\"author\":\"A\",\"year\":1," + "\"isbn\":\"" + isbn10 + "\"}");
        assertThat(created.body(), created.status(), is(201));
        String isbn = created.json().get("isbn").asText();
        assertThat(isbn.length(), is(13));
        assertThat(isbn, startsWith("978"));

        Response found = api.get("/books?isbn=" + isbn10);

        assertThat(found.status(), is(200));
        assertThat(found.json().size(), is(1));
        assertThat(found.json().elements().next().get("title").asText(), is(title));
    }

    @Test
    void sameIsbnTwiceIsAConflictAndChangesNothing() {
        String isbn = isbn13("979");
        long first =
                api.post("/books", bookWithIsbn("First", isbn)).json().get("id").asLong();
        int before = api.get("/books?limit=1000&after=" + first).json().size();

        Response second = api.post("/books", bookWithIsbn("Second", isbn));

        assertProblem(second, 409, "Conflict");
        assertThat(fields(second), is(List.of("isbn")));
        assertThat(api.get("/books?limit=1000&after=" + first).json().size(), is(before));
        long other = create();
        assertProblem(api.put("/books/" + other, "{\"isbn\":\"" + isbn + "\"}"), 409, "Conflict");
        assertUnchanged(other);
    }

    @Test
    void racingCreatesWithOneIsbnCreateOneBook() throws Exception {
        String isbn = isbn13("978");
        int clients = 8;
        CyclicBarrier start = new CyclicBarrier(clients);
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String title = "Race " + i;
            tasks.add(() -> {
                start.await(30, TimeUnit.SECONDS);
                return api.post("/books", bookWithIsbn(title, isbn));
            });
        }

        List<Response> answers = runConcurrently(tasks);

        assertThat(answers.stream().filter(r -> r.status() == 201).count(), is(1L));
        assertThat(answers.stream().filter(r -> r.status() == 409).count(), is((long) clients - 1));
        assertThat(api.get("/books?isbn=" + isbn).json().size(), is(1));
    }

    @Test
    void isbnCanBeChangedWhichChangesTheEtag() {
        long id = create();
        String isbn = isbn13("978");

        Response changed = api.put("/books/" + id, "{\"isbn\":\"" + isbn + "\"}", "If-Match", "\"1\"");

        assertThat(changed.body(), changed.status(), is(200));
        assertThat(changed.header("ETag").orElseThrow(), is("\"2\""));
        assertThat(changed.json().get("isbn").asText(), is(isbn));
        assertThat(changed.json().get("title").asText(), is("Dune"));
    }

    @Test
    void anIdempotencyKeyIsForOneIsbn() {
        String key = UUID.randomUUID().toString();
        Response first = api.post("/books", bookWithIsbn("Keyed", isbn13("978")), "Idempotency-Key", key);
        assertThat(first.status(), is(201));

        Response other = api.post("/books", bookWithIsbn("Keyed", isbn13("978")), "Idempotency-Key", key);

        assertProblem(other, 422, "Idempotency key reused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"isbn=123", "isbn=9780441172710", "isbn=0441172718", "isbn=9780441172719&author=A"})
    void badIsbnQueriesAreRejected(String query) {
        assertProblem(api.get("/books?" + query), 400, "Invalid query");
    }

    /** A random valid ISBN-13 with the given prefix (978 or 979), so tests never collide. */
    private static String isbn13(String prefix) {
        String body = prefix
                + String.format("%09d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 1_000_000_000L));
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (i % 2 == 0 ? 1 : 3) * (body.charAt(i) - '0');
        }
        return body + (10 - sum % 10) % 10;
    }

    /** A random valid ISBN-10, hyphenated. */
    private static String isbn10() {
        String body = String.format("%09d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 1_000_000_000L));
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (10 - i) * (body.charAt(i) - '0');
        }
        int check = (11 - sum % 11) % 11;
        return body.charAt(0) + "-" + body.substring(1, 4) + "-" + body.substring(4) + "-"
                + (check == 10 ? "X" : check);
    }

    private static String bookWithIsbn(String title, String isbn) {
        return "{\"title\":\"" + title + "\",\"author\":\"A\",\"year\":1,\"isbn\":\"" + isbn + "\"}";
    }

    // --- observability -------------------------------------------------------------------------------------

    @Test
    void requestIdIsEchoedOrGenerated() {
        assertThat(
                api.get("/books/1", "X-Request-Id", "client-id_1.2")
                        .header("X-Request-Id")
                        .orElseThrow(),
                is("client-id_1.2"));
        String generated = api.get("/books/1").header("X-Request-Id").orElseThrow();
        assertThat(UUID.fromString(generated).toString(), is(generated));
        String unsafe = api.get("/books/1", "X-Request-Id", "a b\"c")
                .header("X-Request-Id")
                .orElseThrow();
        assertThat(UUID.fromString(unsafe).toString(), is(unsafe));
        assertThat(
                api.get("/nowhere", "X-Request-Id", "on-404")
                        .header("X-Request-Id")
                        .orElseThrow(),
                is("on-404"));
    }

    @Test
    void metricsArePrometheusTextWithRoutesPoolAndJvm() {
        api.get("/books/1");
        api.get("/books/987654321");
        api.send("INVENTED", "/nowhere", null, null);

        Response metrics = api.get("/observe/metrics", "Accept", "text/plain");

        assertThat(metrics.status(), is(200));
        String text = metrics.body();
        assertThat(text, containsString("# TYPE http_server_requests_seconds summary"));
        assertThat(text, containsString("http_server_requests_seconds_count{method=\"GET\",route=\"/books/{id}\","));
        assertThat(text, containsString("status=\"404\""));
        for (String gauge : List.of("db_pool_active", "db_pool_idle", "db_pool_pending", "db_pool_max")) {
            assertThat(text, containsString("# TYPE " + gauge + " gauge"));
        }
        // Methods are any token a client sends: the unknown ones share one series, so their number stays bounded.
        assertThat(text, containsString("http_server_requests_seconds_count{method=\"OTHER\",route=\"UNMATCHED\","));
        assertThat(text, not(containsString("INVENTED")));
        assertThat(text, containsString("memory_usedHeap_bytes"));
        assertThat(text, containsString("thread_count"));
    }

    @Test
    void openApiDocumentIsServedAsYamlAndJson() throws Exception {
        JsonNode file = YAML.readTree(getClass().getResourceAsStream("/META-INF/openapi.yaml"));

        Response yaml = api.get("/openapi");
        Response json = api.get("/openapi", "Accept", "application/json");

        assertThat(yaml.status(), is(200));
        assertThat(YAML.readTree(yaml.body()), is(file));
        assertThat(json.status(), is(200));
        assertThat(json.mediaType(), is("application/json"));
        assertThat(JSON.readTree(json.body()), is(file));
        assertThat(file.get("openapi").asText(), is("3.1.0"));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private long create() {
        Response res = api.post("/books", DUNE);
        assertThat(res.body(), res.status(), is(201));
        return res.json().get("id").asLong();
    }

    private long create(String title, String author, int year) {
        try {
            Response res =
                    api.post("/books", JSON.writeValueAsString(Map.of("title", title, "author", author, "year", year)));
            assertThat(res.body(), res.status(), is(201));
            return res.json().get("id").asLong();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> ids(Response res) {
        assertThat(res.body(), res.status(), is(200));
        List<Long> ids = new ArrayList<>();
        res.json().properties().forEach(e -> ids.add(e.getValue().get("id").asLong()));
        return ids;
    }

    private static String token() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<Response> runConcurrently(List<Callable<Response>> tasks) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<Response>> futures = pool.invokeAll(tasks, 60, TimeUnit.SECONDS);
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }

    private void assertUnchanged(long id) {
        assertBook(api.get("/books/" + id).json(), id, "Dune", "Frank Herbert", 1965);
        assertThat(api.get("/books/" + id).json().get("version").asInt(), is(1));
    }

    static void assertBook(JsonNode book, long id, String title, String author, int year) {
        assertThat(String.valueOf(book), book.get("id").asLong(), is(id));
        assertThat(book.get("title").asText(), is(title));
        assertThat(book.get("author").asText(), is(author));
        assertThat(book.get("year").isInt(), is(true));
        assertThat(book.get("year").asInt(), is(year));
    }

    static void assertProblem(Response res, int status, String error) {
        assertThat(res.body(), res.status(), is(status));
        assertThat(res.mediaType(), is("application/problem+json"));
        JsonNode problem = res.json();
        assertThat(res.body(), problem.get("error").asText(), is(error));
        assertThat(problem.get("title").asText(), is(error));
        assertThat(problem.get("status").asInt(), is(status));
        assertThat(problem.get("type").asText(), startsWith("urn:books:problem:"));
        assertThat(problem.get("detail").asText().isBlank(), is(false));
        assertThat("no internals leak", res.body(), not(containsString("Exception")));
    }

    private static List<String> fields(Response res) {
        List<String> fields = new ArrayList<>();
        JsonNode errors = res.json().get("errors");
        if (errors != null) {
            errors.forEach(e -> fields.add(e.get("field").asText()));
        }
        return fields;
    }
}

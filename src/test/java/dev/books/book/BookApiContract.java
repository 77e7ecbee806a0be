package dev.books.book;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final String DUNE = "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965}";

    private final Api api;

    BookApiContract(URI uri) {
        this.api = new Api(uri);
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
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1e3}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":99999999999999999999}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":10000}",
                "{\"title\":\"\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"   \",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":\"Frank\\u0000Herbert\",\"year\":1965}",
                "{\"title\":\"Du\\nne\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"\\ud800\",\"author\":\"Frank Herbert\",\"year\":1965}",
                "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965,\"isbn\":\"x\"}",
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
                "{\"isbn\":\"x\"}",
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
    void unknownPathIsJsonNotFound() {
        assertProblem(api.get("/nothing/here"), 404, "Not found");
        assertProblem(api.get("/books/1/extra"), 404, "Not found");
    }

    @Test
    void unsupportedMethodIsJsonMethodNotAllowed() {
        Response onBook = api.send("PATCH", "/books/1", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertProblem(onBook, 405, "Method not allowed");
        assertThat(onBook.header("Allow").orElseThrow(), is("GET, PUT, DELETE"));
        Response onCollection = api.delete("/books");
        assertProblem(onCollection, 405, "Method not allowed");
        assertThat(onCollection.header("Allow").orElseThrow(), is("GET, POST"));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private long create() {
        Response res = api.post("/books", DUNE);
        assertThat(res.body(), res.status(), is(201));
        return res.json().get("id").asLong();
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

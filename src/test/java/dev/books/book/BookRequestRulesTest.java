package dev.books.book;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.books.db.Sql;
import dev.books.http.ErrorHandling;
import dev.books.idempotency.IdempotentCreation;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Method;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The request rules of the books API, without a database or a socket: every request here is refused before the
 * service would touch data (a statement would fail the test with 500, since this routing has none). The contract
 * suite (BookApiContract) covers the same API with a database.
 */
@RoutingTest
class BookRequestRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DirectClient client;

    BookRequestRulesTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Sql noStatements = new Sql(null, null, Map.of());
        routing.register(
                "/books",
                new BookService(
                        noStatements,
                        new IdempotentCreation(noStatements, java.time.Duration.ofHours(1)),
                        new BookSettings(100, 1000),
                        () -> true));
        ErrorHandling.register(routing);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-1", "1.5", "9999999999999999999"})
    void idsThatAreNotPositiveIntegersAreInvalid(String id) {
        assertProblem(client.get("/books/" + id).request(String.class), 400, "Invalid id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=1001", "after=-1", "year=10000", "q=ab", "isbn=123", "author= "})
    void invalidQueriesAreRefused(String query) {
        String[] parameter = query.split("=", 2);
        var res = client.get("/books").queryParam(parameter[0], parameter[1]).request(String.class);

        assertProblem(res, 400, "Invalid query");
    }

    /** Blank-looking text: only White_Space or format characters; a 500 here means it reached the database. */
    @ParameterizedTest
    @ValueSource(strings = {"\u00a0", "\ufeff", "\u2007", "\u202f", "\u200b", "\u3000", "\ud834\udd73", "\udb40\udc20"})
    void blankLookingTextIsRefused(String blank) throws Exception {
        String text = JSON.writeValueAsString(blank.repeat(3));
        var title = post("{\"title\":" + text + ",\"author\":\"A\",\"year\":1}");
        assertProblem(title, 400, "Invalid data");
        assertThat(
                title.entity(),
                JSON.readTree(title.entity()).get("errors").get(0).get("detail").asText(),
                is("must contain a visible character (not only Unicode White_Space or format characters)"));
        assertProblem(post("{\"title\":\"T\",\"author\":" + text + ",\"year\":1}"), 400, "Invalid data");
        assertProblem(client.get("/books").queryParam("author", blank).request(String.class), 400, "Invalid query");
        assertProblem(
                client.get("/books").queryParam("q", blank.repeat(3)).request(String.class), 400, "Invalid query");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud83d\udcda\ud83d\udcda", "a\ud83d\udcda"})
    void searchTextIsCountedInCodePoints(String q) {
        assertProblem(client.get("/books").queryParam("q", q).request(String.class), 400, "Invalid query");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "18446744073709551616", "99999999999999999999", "+1"})
    void afterBeyondInt64IsRefused(String after) {
        assertProblem(client.get("/books").queryParam("after", after).request(String.class), 400, "Invalid query");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1965.5", "1e-3", "1e400"})
    void fractionalYearsAreRefused(String year) {
        assertProblem(post("{\"title\":\"T\",\"author\":\"A\",\"year\":" + year + "}"), 400, "Invalid data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/books/", "/books//"})
    void aTrailingSlashIsAnotherPath(String path) {
        assertProblem(client.get(path).request(String.class), 404, "Not found");
        assertProblem(post("{}", path), 404, "Not found");
    }

    @Test
    void bodiesMustBeJson() {
        var res = client.post("/books").contentType(MediaTypes.TEXT_PLAIN).submit("{}", String.class);

        assertProblem(res, 415, "Unsupported media type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[1]x", "{\"a\":1,\"a\":2}"})
    void malformedJsonIsRefused(String body) {
        assertProblem(post(body), 400, "Malformed JSON");
    }

    @Test
    void missingMembersAreListedWithTheInvalidOnes() throws Exception {
        var res = post("{\"title\":\"\",\"isbn\":\"12\"}");

        assertProblem(res, 400, "Missing data");
        JsonNode errors = JSON.readTree(res.entity()).get("errors");
        assertThat(errors.size(), is(4));
    }

    @Test
    void invalidIsbnNamesTheField() throws Exception {
        var res = post("{\"title\":\"T\",\"author\":\"A\",\"year\":1,\"isbn\":\"978-0-441-17271-0\"}");

        assertProblem(res, 400, "Invalid data");
        assertThat(JSON.readTree(res.entity()).get("errors").get(0).get("field").asText(), is("isbn"));
    }

    @Test
    void invalidIdempotencyKeyIsRefused() {
        var res = client.post("/books")
                .contentType(MediaTypes.APPLICATION_JSON)
                .header(IdempotentCreation.KEY_HEADER, "has space")
                .submit("{\"title\":\"T\",\"author\":\"A\",\"year\":1}", String.class);

        assertProblem(res, 400, "Invalid Idempotency-Key");
    }

    @Test
    void unsupportedMethodsListTheSupportedOnes() {
        var res = client.method(Method.PATCH).path("/books/1").request(String.class);

        assertProblem(res, 405, "Method not allowed");
        assertThat(res.headers().first(io.helidon.http.HeaderNames.ALLOW).orElseThrow(), is("GET, HEAD, PUT, DELETE"));
    }

    private ClientResponseTyped<String> post(String body) {
        return post(body, "/books");
    }

    private ClientResponseTyped<String> post(String body, String path) {
        return client.post(path).contentType(MediaTypes.APPLICATION_JSON).submit(body, String.class);
    }

    private static void assertProblem(ClientResponseTyped<String> res, int status, String error) {
        assertThat(res.entity(), res.status().code(), is(status));
        try {
            JsonNode problem = JSON.readTree(res.entity());
            assertThat(problem.get("error").asText(), is(error));
            assertThat(problem.get("status").asInt(), is(status));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

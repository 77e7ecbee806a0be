package dev.books;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.books.auth.TestAuth;
import dev.books.auth.TestIssuer;
import dev.books.client.ApiClient;
import dev.books.client.ApiException;
import dev.books.client.ApiResponse;
import dev.books.client.api.BooksApi;
import dev.books.client.api.HealthApi;
import dev.books.client.model.Book;
import dev.books.client.model.BookChanges;
import dev.books.client.model.Health;
import dev.books.client.model.NewBook;
import dev.books.client.model.Problem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Java client generated from the OpenAPI document (openapi-generator, library {@code native}, made by the build
 * at test time into target/generated-test-sources/books-client) against the packaged service: every operation and
 * every documented status, driven through the generated API classes and read back through the generated models.
 * The statuses the client actually received are recorded from the wire and compared with the document at the end,
 * so an operation or status added to the document without a call here fails the build.
 */
class GeneratedClientIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String DOCUMENT = "src/main/resources/META-INF/openapi.yaml";
    /** "METHOD /path/template STATUS" of every answer the generated client received. */
    private static final Set<String> SEEN = new ConcurrentSkipListSet<>();

    @Test
    void everyOperationAndErrorWithTheDatabaseUp() throws Exception {
        try (TestAuth auth = TestAuth.start();
                ServiceProcess service = ServiceProcess.start(Map.of(
                        "BOOKS_AUTH_TOKENS_FILE",
                        auth.tokensFile().toString(),
                        "BOOKS_AUTH_JWT_JWKS",
                        auth.issuer().jwksUrl(),
                        "BOOKS_AUTH_JWT_ISSUER",
                        TestIssuer.ISSUER,
                        "BOOKS_AUTH_JWT_AUDIENCE",
                        TestIssuer.AUDIENCE))) {
            service.awaitLog("books is up", START);
            ApiClient client = client(service);
            String bearer = "Bearer " + auth.staticToken();
            client.setRequestInterceptor(request -> request.setHeader("Authorization", bearer));
            BooksApi books = new BooksApi(client);
            HealthApi health = new HealthApi(client);

            // Writes need a token (bearerAuth): none is 401, a JWT without the write scope 403.
            BooksApi anonymous = new BooksApi(client(service));
            ApiClient readerClient = client(service);
            String reader = "Bearer " + auth.issuer().token("books:read");
            readerClient.setRequestInterceptor(request -> request.setHeader("Authorization", reader));
            BooksApi readOnly = new BooksApi(readerClient);
            NewBook unwritten = new NewBook().title("T").author("A").year(1);
            assertThat(problem(401, () -> anonymous.createBook(unwritten, null)).getError(), is("Unauthorized"));
            assertThat(problem(403, () -> readOnly.createBook(unwritten, null)).getError(), is("Forbidden"));
            assertThat(
                    problem(401, () -> anonymous.updateBook(1L, new BookChanges().year(2), null))
                            .getStatus(),
                    is(401));
            assertThat(
                    problem(403, () -> readOnly.updateBook(1L, new BookChanges().year(2), null))
                            .getStatus(),
                    is(403));
            assertThat(problem(401, () -> anonymous.deleteBook(1L, null)).getStatus(), is(401));
            assertThat(problem(403, () -> readOnly.deleteBook(1L, null)).getStatus(), is(403));

            // Reads of the sample data.
            Map<String, Book> page = books.listBooks(1, null, null, null, null, null);
            assertThat(page.keySet(), is(Set.of("1")));
            assertThat(page.get("1").getTitle(), is("1984"));
            assertThat(
                    books.listBooks(null, null, "Harper Lee", 1960, "mocking", null)
                            .keySet(),
                    is(Set.of("2")));
            ApiResponse<Book> one = books.getBookWithHttpInfo(1L, null);
            assertThat(one.getStatusCode(), is(200));
            assertThat(one.getData().getAuthor(), is("George Orwell"));
            assertThat(header(one, "ETag"), is("\"" + one.getData().getVersion() + "\""));
            assertThat(problem(304, () -> books.getBook(1L, header(one, "ETag"))), is((Problem) null));
            ApiResponse<Void> head = books.headBookWithHttpInfo(1L, null);
            assertThat(head.getStatusCode(), is(200));
            assertThat(header(head, "ETag"), is(header(one, "ETag")));
            assertThat(
                    books.headBooksWithHttpInfo(1, null, null, null, null, null).getStatusCode(), is(200));
            assertThat(headStatus(() -> books.headBook(1L, header(one, "ETag"))), is(304));
            assertThat(headStatus(() -> books.headBook(0L, null)), is(400));
            assertThat(headStatus(() -> books.headBook(987654321L, null)), is(404));
            assertThat(headStatus(() -> books.headBooks(0, null, null, null, null, null)), is(400));

            // Create, idempotent replay, update, delete.
            String key = UUID.randomUUID().toString();
            NewBook dune = new NewBook().title("Dune").author("Frank Herbert").year(1965);
            ApiResponse<Book> created = books.createBookWithHttpInfo(dune, key);
            long id = created.getData().getId();
            assertThat(created.getStatusCode(), is(201));
            assertThat(header(created, "Location"), is("/books/" + id));
            ApiResponse<Book> replayed = books.createBookWithHttpInfo(dune, key);
            assertThat(replayed.getStatusCode(), is(201));
            assertThat(replayed.getData().getId(), is(id));
            assertThat(header(replayed, "Idempotent-Replayed"), is("true"));
            ApiResponse<Book> updated = books.updateBookWithHttpInfo(id, new BookChanges().year(1966), "\"1\"");
            assertThat(updated.getStatusCode(), is(200));
            assertThat(updated.getData().getYear(), is(1966));
            assertThat(updated.getData().getVersion(), is(2L));
            assertThat(books.getBook(id, null).getTitle(), is("Dune"));
            assertThat(books.deleteBookWithHttpInfo(id, "\"2\"").getStatusCode(), is(204));

            // Every documented error, each a problem document the generated model reads.
            assertThat(
                    problem(400, () -> books.listBooks(0, null, null, null, null, null))
                            .getError(),
                    is("Invalid query"));
            assertThat(problem(400, () -> books.getBook(0L, null)).getError(), is("Invalid id"));
            assertThat(problem(404, () -> books.getBook(id, null)).getError(), is("Book not found"));
            assertThat(
                    problem(400, () -> books.createBook(new NewBook().title("T").author("A"), null))
                            .getError(),
                    is("Missing data"));
            assertThat(problem(413, () -> books.createBook(huge(), null)).getStatus(), is(413));
            assertThat(
                    problem(415, () -> textPlain(service, client).createBook(dune, null))
                            .getStatus(),
                    is(415));
            Problem reused = problem(
                    422,
                    () -> books.createBook(
                            new NewBook().title("Emma").author("Jane Austen").year(1815), key));
            assertThat(reused.getStatus(), is(422));
            long other = books.createBook(
                            new NewBook().title("Emma").author("Jane Austen").year(1815), null)
                    .getId();
            assertThat(
                    problem(400, () -> books.updateBook(other, new BookChanges().year(99999), null))
                            .getErrors(),
                    not(empty()));
            assertThat(
                    problem(404, () -> books.updateBook(id, new BookChanges().year(1), null))
                            .getStatus(),
                    is(404));
            assertThat(
                    problem(412, () -> books.updateBook(other, new BookChanges().year(1816), "\"9\""))
                            .getError(),
                    is("Precondition failed"));
            assertThat(
                    problem(413, () -> books.updateBook(other, new BookChanges().title(hugeTitle()), null))
                            .getStatus(),
                    is(413));
            assertThat(
                    problem(415, () -> textPlain(service, client).updateBook(other, new BookChanges().year(1), null))
                            .getStatus(),
                    is(415));
            assertThat(problem(400, () -> books.deleteBook(0L, null)).getStatus(), is(400));
            assertThat(problem(404, () -> books.deleteBook(id, null)).getStatus(), is(404));
            assertThat(problem(412, () -> books.deleteBook(other, "\"9\"")).getStatus(), is(412));
            assertThat(books.getBook(other, null).getVersion(), is(1L));

            // ISBN: stored as ISBN-13, found in any spelling, unique (409 on create and on update).
            Book withIsbn = books.createBook(
                    new NewBook()
                            .title("Dune")
                            .author("Frank Herbert")
                            .year(1965)
                            .isbn("0-441-17271-7"),
                    null);
            assertThat(withIsbn.getIsbn(), is("9780441172719"));
            assertThat(
                    books.listBooks(null, null, null, null, null, "978-0-441-17271-9")
                            .keySet(),
                    is(Set.of(Long.toString(withIsbn.getId()))));
            assertThat(
                    problem(
                                    409,
                                    () -> books.createBook(
                                            new NewBook()
                                                    .title("T")
                                                    .author("A")
                                                    .year(1)
                                                    .isbn("9780441172719"),
                                            null))
                            .getError(),
                    is("Conflict"));
            assertThat(
                    problem(409, () -> books.updateBook(other, new BookChanges().isbn("9780441172719"), null))
                            .getError(),
                    is("Conflict"));

            Health ready = health.readiness();
            assertThat(ready.getStatus(), is(Health.StatusEnum.UP));
            assertThat(ready.getChecks().size(), greaterThan(0));
            assertThat(health.liveness().getStatus(), is(Health.StatusEnum.UP));
        }
    }

    @Test
    void everyOperationAnswers503WhileTheDatabaseIsUnreachable() throws Exception {
        // Nothing listens on port 9 (discard): the service starts, cannot migrate, and says so on every request.
        try (ServiceProcess service = ServiceProcess.start(Map.of(
                "DB_URL",
                "jdbc:postgresql://127.0.0.1:9/books?connectTimeout=1",
                "DB_POOL_CONNECTION_TIMEOUT",
                "PT1S"))) {
            service.awaitLog("books is up", START);
            ApiClient client = client(service);
            BooksApi books = new BooksApi(client);
            HealthApi health = new HealthApi(client);
            NewBook dune = new NewBook().title("Dune").author("Frank Herbert").year(1965);

            List<Executable> calls = List.of(
                    () -> books.listBooks(null, null, null, null, null, null),
                    () -> books.createBook(dune, null),
                    () -> books.getBook(1L, null),
                    () -> books.updateBook(1L, new BookChanges().year(1), null),
                    () -> books.deleteBook(1L, null));
            assertThat(headStatus(() -> books.headBooks(null, null, null, null, null, null)), is(503));
            assertThat(headStatus(() -> books.headBook(1L, null)), is(503));
            for (Executable call : calls) {
                ApiException e = assertThrows(ApiException.class, call);
                assertThat(e.getResponseBody(), e.getCode(), is(503));
                assertThat(e.getResponseHeaders().map(), hasKey("retry-after"));
                assertThat(read(client, e).getError(), is("Service unavailable"));
            }
            ApiException notReady = assertThrows(ApiException.class, health::readiness);
            assertThat(notReady.getCode(), is(503));
            Health down = client.getObjectMapper().readValue(notReady.getResponseBody(), Health.class);
            assertThat(down.getStatus(), is(Health.StatusEnum.DOWN));
            assertThat(health.liveness().getStatus(), is(Health.StatusEnum.UP));
        }
    }

    @Test
    void protectedReadsAndLongRequestLines() throws Exception {
        try (TestAuth auth = TestAuth.start();
                ServiceProcess service = ServiceProcess.start(Map.of(
                        "BOOKS_AUTH_TOKENS_FILE", auth.tokensFile().toString(), "BOOKS_AUTH_PROTECT_READS", "true"))) {
            service.awaitLog("books is up", START);
            BooksApi anonymous = new BooksApi(client(service));
            assertThat(
                    problem(401, () -> anonymous.listBooks(null, null, null, null, null, null))
                            .getStatus(),
                    is(401));
            assertThat(problem(401, () -> anonymous.getBook(1L, null)).getStatus(), is(401));
            assertThat(headStatus(() -> anonymous.headBooks(null, null, null, null, null, null)), is(401));
            assertThat(headStatus(() -> anonymous.headBook(1L, null)), is(401));

            // A request line over 4096 bytes: 414, whatever the operation.
            ApiClient padded = client(service);
            String bearer = "Bearer " + auth.staticToken();
            padded.setRequestInterceptor(request -> request.setHeader("Authorization", bearer)
                    .uri(java.net.URI.create(request.copy().build().uri() + "?pad=" + "x".repeat(5000))));
            BooksApi books = new BooksApi(padded);
            NewBook dune = new NewBook().title("Dune").author("Frank Herbert").year(1965);
            List<Executable> calls = List.of(
                    () -> books.listBooks(null, null, null, null, null, null),
                    () -> books.createBook(dune, null),
                    () -> books.getBook(1L, null),
                    () -> books.updateBook(1L, new BookChanges().year(1), null),
                    () -> books.deleteBook(1L, null));
            for (Executable call : calls) {
                assertThat(problem(414, call).getError(), is("URI too long"));
            }
            assertThat(headStatus(() -> books.headBooks(null, null, null, null, null, null)), is(414));
            assertThat(headStatus(() -> books.headBook(1L, null)), is(414));
        }
    }

    /** Every operation and status of the document was answered to the generated client. */
    @AfterAll
    static void everyDocumentedStatusWasSeen() throws IOException {
        Set<String> documented = new TreeSet<>();
        JsonNode paths =
                new ObjectMapper(new YAMLFactory()).readTree(new File(DOCUMENT)).get("paths");
        paths.properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    if (operation.getValue().has("responses")) {
                        operation
                                .getValue()
                                .get("responses")
                                .fieldNames()
                                .forEachRemaining(status -> documented.add(
                                        operation.getKey().toUpperCase() + " " + path.getKey() + " " + status));
                    }
                }));
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(SEEN);
        // 429 comes from the nginx front, never from the service: src/test/proxy/proxy-test.sh checks it there.
        missing.removeIf(entry -> entry.endsWith(" 429"));
        Set<String> undocumented = new TreeSet<>(SEEN);
        undocumented.removeAll(documented);

        assertThat("documented but never driven through the generated client", missing, is(empty()));
        assertThat("answered but not documented", undocumented, is(empty()));
    }

    private static ApiClient client(ServiceProcess service) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + service.port());
        client.setConnectTimeout(Duration.ofSeconds(5));
        client.setReadTimeout(Duration.ofSeconds(30));
        client.setResponseInterceptor(record());
        return client;
    }

    /** A client whose requests claim a text body (for 415), with the given client's credentials. */
    private static BooksApi textPlain(ServiceProcess service, ApiClient credentials) {
        ApiClient client = client(service);
        client.setRequestInterceptor(request -> {
            credentials.getRequestInterceptor().accept(request);
            request.setHeader("Content-Type", "text/plain");
        });
        return new BooksApi(client);
    }

    private static Consumer<HttpResponse<InputStream>> record() {
        return response -> {
            String path = response.request().uri().getPath().replaceFirst("^/books/[^/]+$", "/books/{id}");
            SEEN.add(response.request().method() + " " + path + " " + response.statusCode());
        };
    }

    /**
     * Runs a call that must fail with the status; returns the problem document of the answer ({@code null} for a
     * status without a body, 304).
     */
    private static Problem problem(int status, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertThat(e.getMessage(), e.getCode(), is(status));
        if (status == 304) {
            assertThat(
                    e.getResponseBody(),
                    e.getResponseBody() == null || e.getResponseBody().isEmpty(),
                    is(true));
            return null;
        }
        assertThat(
                e.getResponseHeaders().firstValue("content-type").orElse("").split(";")[0],
                is("application/problem+json"));
        Problem problem = read(new ApiClient(), e);
        assertThat(problem.getStatus(), is(status));
        return problem;
    }

    /** The status of a HEAD call that must fail (such answers carry no body to read). */
    private static int headStatus(Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertThat(e.getResponseBody() == null || e.getResponseBody().isEmpty(), is(true));
        return e.getCode();
    }

    private static Problem read(ApiClient client, ApiException e) {
        try {
            return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    private static String header(ApiResponse<?> response, String name) {
        return response.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().getFirst())
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing in " + response.getHeaders()));
    }

    /** A body larger than server.max-payload-size (16 KiB). */
    private static NewBook huge() {
        return new NewBook().title(hugeTitle()).author("A").year(1);
    }

    private static String hugeTitle() {
        return "x".repeat(20_000);
    }
}

package dev.books.auth;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.books.Api;
import dev.books.Api.Response;
import dev.books.TestDatabase;
import dev.books.TestServer;
import dev.books.TestService;
import dev.books.auth.TestAuth.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The write protection over HTTP, in one mode (tokens file, JWT, or both) on one database: reads stay public,
 * writes need a token that the mode accepts, every kind of bad token is refused with 401 (a valid JWT without the
 * write scope with 403), a refused request changes nothing and is counted, tokens rotate without a restart, and no
 * token ever reaches the log, the metrics or an answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WriteProtectionContract {
    private static final String DUNE = "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965}";
    private static final Pattern REJECTED =
            Pattern.compile("^books_auth_rejected_total\\{[^}]*reason=\"([a-z_]+)\"[^}]*} ([0-9.Ee+-]+)$");

    private final Supplier<TestDatabase> database;
    private final Mode mode;
    private LogCapture logs;
    private TestAuth auth;
    private TestService service;
    private TestServer server;
    private Api api;

    /** {@code database} makes a new, not started database; {@code mode} says which credentials are accepted. */
    WriteProtectionContract(Supplier<TestDatabase> database, Mode mode) {
        this.database = database;
        this.mode = mode;
    }

    @BeforeAll
    void start() {
        logs = LogCapture.start();
        auth = TestAuth.start();
        service = TestService.start(database.get(), auth.config(mode, false));
        server = service.server();
        api = server.api();
    }

    @AfterAll
    void stop() {
        service.close();
        auth.close();
        logs.close();
    }

    /** Checked after every test: whatever it did, no token it used was logged. */
    @AfterEach
    void noTokenInTheLog() {
        logs.assertContainsNone(auth.secrets());
    }

    private boolean tokens() {
        return mode != Mode.JWT;
    }

    private boolean jwt() {
        return mode != Mode.TOKENS;
    }

    private Api bearer(String token) {
        return api.withHeaders("Authorization", "Bearer " + auth.remember(token));
    }

    // --- reads ------------------------------------------------------------------------------------------------

    @Test
    void readsArePublic() {
        assertThat(api.get("/books").status(), is(200));
        assertThat(api.get("/books/1").status(), is(200));
        assertThat(api.get("/observe/health/ready").status(), is(200));
    }

    // --- refused ------------------------------------------------------------------------------------------------

    @Test
    void writeWithoutTokenIs401WithoutErrorCode() {
        long id = createdBook();
        assertWritesRefused(api, id, 401, "Bearer realm=\"books\"");
    }

    @Test
    void otherAuthenticationSchemeCountsAsNoToken() {
        long id = createdBook();
        Api basic = api.withHeaders("Authorization", "Basic " + auth.remember("ZWRpdG9yOnNlY3JldA=="));
        assertWritesRefused(basic, id, 401, "Bearer realm=\"books\"");
    }

    Stream<Arguments> badTokens() {
        TestIssuer issuer = auth.issuer();
        List<Arguments> cases = new java.util.ArrayList<>();
        cases.add(Arguments.of("unknown static token", TestAuth.newToken()));
        cases.add(Arguments.of("static token with a character changed", changed(auth.staticToken())));
        cases.add(Arguments.of("the hex digest itself", TestAuth.sha256Hex(auth.hashedToken())));
        for (String[] bad : issuer.badTokens()) {
            cases.add(Arguments.of(bad[0], bad[1]));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokenIs401InvalidToken(String name, String token) {
        long id = createdBook();
        assertWritesRefused(bearer(token), id, 401, "Bearer realm=\"books\", error=\"invalid_token\"");
    }

    /** RFC 6750, section 3.1: a request that cannot carry a token at all is a bad request. */
    @Test
    void malformedBearerCredentialsAre400InvalidRequest() {
        long id = createdBook();
        String invalid = "Bearer realm=\"books\", error=\"invalid_request\"";
        String token = auth.remember(auth.staticToken());
        assertWritesRefused(api.withHeaders("Authorization", "Bearer"), id, 400, invalid);
        assertWritesRefused(api.withHeaders("Authorization", "Bearer " + token + " " + token), id, 400, invalid);
        assertWritesRefused(api.withHeaders("Authorization", "Bearer \"quoted\""), id, 400, invalid);
        // The tokens file's sha256: line is not a token (':' cannot be part of one).
        String line = auth.remember("sha256:" + TestAuth.sha256Hex(auth.hashedToken()));
        assertWritesRefused(api.withHeaders("Authorization", "Bearer " + line), id, 400, invalid);
        assertWritesRefused(
                api.withHeaders("Authorization", "Bearer " + token, "Authorization", "Bearer " + token),
                id,
                400,
                invalid);
    }

    // --- idempotency keys ---------------------------------------------------------------------------------------

    @Test
    void idempotencyKeysBelongToTheCallerThatSentThem() {
        String key = "shared-" + TestAuth.newToken();
        Api alice = bearer(
                tokens()
                        ? auth.staticToken()
                        : auth.issuer().rs256(c -> c.subject("alice").claim("scope", TestIssuer.WRITE)));
        Api aliceAgain = bearer(
                tokens()
                        ? auth.staticToken()
                        : auth.issuer().rs256(c -> c.subject("alice").claim("scope", TestIssuer.WRITE)));
        Api bob = bearer(
                tokens()
                        ? auth.hashedToken()
                        : auth.issuer().rs256(c -> c.subject("bob").claim("scope", TestIssuer.WRITE)));

        Response first = alice.post("/books", DUNE, "Idempotency-Key", key);
        Response other = bob.post("/books", DUNE, "Idempotency-Key", key);
        Response retry = aliceAgain.post("/books", DUNE, "Idempotency-Key", key);

        assertThat(first.status(), is(201));
        assertThat("another holder's same key is a new key", other.status(), is(201));
        assertThat(other.header("Idempotent-Replayed").isPresent(), is(false));
        assertThat(other.json().get("id").asLong(), not(first.json().get("id").asLong()));
        assertThat(
                "the holder's own retry is replayed",
                retry.header("Idempotent-Replayed").orElse(""),
                is("true"));
        assertThat(retry.json().get("id").asLong(), is(first.json().get("id").asLong()));
    }

    @Test
    void validJwtWithoutWriteScopeIs403() {
        long id = createdBook();
        Api reader = bearer(auth.issuer().token("books:read profile"));
        if (jwt()) {
            assertWritesRefused(
                    reader, id, 403, "Bearer realm=\"books\", error=\"insufficient_scope\", scope=\"books:write\"");
            Response res = reader.get("/books/" + id);
            assertThat("reads stay open to it", res.status(), is(200));
        } else {
            assertWritesRefused(reader, id, 401, "Bearer realm=\"books\", error=\"invalid_token\"");
        }
    }

    @Test
    void refusalsAreCountedByReason() {
        long id = createdBook();
        double missing = rejected("missing_token");
        double invalid = rejected("invalid_token");
        double scope = rejected("insufficient_scope");

        api.delete("/books/" + id);
        bearer(TestAuth.newToken()).delete("/books/" + id);
        bearer(TestAuth.newToken()).delete("/books/" + id);
        bearer(auth.issuer().token(null)).delete("/books/" + id);

        assertThat(rejected("missing_token"), is(missing + 1));
        assertThat(rejected("invalid_token"), is(invalid + 2 + (jwt() ? 0 : 1)));
        assertThat(rejected("insufficient_scope"), is(scope + (jwt() ? 1 : 0)));
        String metrics = metrics();
        for (String secret : auth.secrets()) {
            assertThat("metrics carry no token", metrics.contains(secret), is(false));
        }
    }

    // --- granted ------------------------------------------------------------------------------------------------

    @Test
    void staticTokensGrantWrites() {
        for (String token : List.of(auth.staticToken(), auth.hashedToken())) {
            Api editor = bearer(token);
            if (tokens()) {
                assertWritesGranted(editor);
            } else {
                assertWritesRefused(editor, createdBook(), 401, "Bearer realm=\"books\", error=\"invalid_token\"");
            }
        }
    }

    @Test
    void jwtWithWriteScopeGrantsWrites() {
        TestIssuer issuer = auth.issuer();
        List<String> tokens = List.of(
                issuer.token("openid books:write"),
                issuer.es256("books:write"),
                issuer.eddsa(c -> c.claim("scope", "books:write")),
                issuer.rs256(c -> c.claim("scp", List.of("books:read", "books:write"))),
                issuer.rs256(c -> c.claim("scp", "books:write")),
                // exp a little in the past: within the clock skew (30 s)
                issuer.rs256(c -> c.claim("scope", "books:write")
                        .expirationTime(
                                java.util.Date.from(java.time.Instant.now().minusSeconds(5)))));
        for (String token : tokens) {
            Api editor = bearer(token);
            if (jwt()) {
                assertWritesGranted(editor);
            } else {
                assertWritesRefused(editor, createdBook(), 401, "Bearer realm=\"books\", error=\"invalid_token\"");
            }
        }
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        String token =
                auth.remember(tokens() ? auth.staticToken() : auth.issuer().token(TestIssuer.WRITE));
        Response res = api.post("/books", DUNE, "Authorization", "bearer " + token);
        assertThat(res.status(), is(201));
    }

    // --- rotation -----------------------------------------------------------------------------------------------

    @Test
    void editingTheTokensFileRotatesTokensWithoutRestart() {
        assumeTrue(tokens(), "no tokens file in this mode");
        String fresh = auth.remember(TestAuth.newToken());
        try {
            auth.writeTokens("# rotated", fresh);
            awaitStatus(() -> bearer(fresh).post("/books", DUNE).status(), 201);
            assertThat(
                    "the removed token is refused",
                    bearer(auth.staticToken()).post("/books", DUNE).status(),
                    is(401));
            assertThat(bearer(auth.hashedToken()).post("/books", DUNE).status(), is(401));
        } finally {
            auth.writeTokens(auth.staticToken(), "sha256:" + TestAuth.sha256Hex(auth.hashedToken()));
            awaitStatus(() -> bearer(auth.staticToken()).post("/books", DUNE).status(), 201);
        }
        assertThat(bearer(fresh).post("/books", DUNE).status(), is(401));
    }

    @Test
    void rotatedIssuerKeyIsFetchedOnItsUnknownKeyId() {
        assumeTrue(jwt(), "no JWT in this mode");
        TestIssuer issuer = auth.issuer();
        issuer.rotate();
        int fetches = issuer.fetches();

        // At most two fetches a second (books.auth.jwt.jwks-min-refresh-interval PT1S): earlier tests may have
        // used them up.
        awaitStatus(
                () -> bearer(issuer.token(TestIssuer.WRITE))
                        .post("/books", DUNE)
                        .status(),
                201);
        int fetched = issuer.fetches();
        assertThat("the new key id caused a fetch", fetched, greaterThan(fetches));
        assertThat(bearer(issuer.token(TestIssuer.WRITE)).post("/books", DUNE).status(), is(201));
        assertThat("the new key is cached", issuer.fetches(), is(fetched));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private void assertWritesGranted(Api editor) {
        Response created = editor.post("/books", DUNE);
        assertThat(created.body(), created.status(), is(201));
        long id = created.json().get("id").asLong();
        assertThat(editor.put("/books/" + id, "{\"year\":1966}").status(), is(200));
        assertThat(editor.delete("/books/" + id).status(), is(204));
    }

    /** Every write is refused with this status and challenge, with a problem body, and changes nothing. */
    private void assertWritesRefused(Api client, long id, int status, String challenge) {
        String before = api.get("/books/" + id).body();
        long count = count();
        for (Response res : List.of(
                client.post("/books", DUNE),
                client.put("/books/" + id, "{\"year\":1}"),
                client.delete("/books/" + id),
                client.send(
                        "PATCH",
                        "/books/" + id,
                        "application/json",
                        "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            assertThat(res.body(), res.status(), is(status));
            assertThat(res.header("WWW-Authenticate").orElse(""), is(challenge));
            assertThat(res.mediaType(), is("application/problem+json"));
            assertThat(
                    res.json().get("error").asText(),
                    is(status == 401 ? "Unauthorized" : status == 400 ? "Bad request" : "Forbidden"));
            assertThat(res.json().get("status").asInt(), is(status));
            for (String secret : auth.secrets()) {
                assertThat("the answer carries no token", res.body(), not(containsString(secret)));
            }
        }
        assertThat("nothing changed", api.get("/books/" + id).body(), is(before));
        assertThat("nothing created", count(), is(count));
    }

    /** A book of this test's own, created with credentials the mode accepts. */
    private long createdBook() {
        String token = tokens() ? auth.staticToken() : auth.issuer().token(TestIssuer.WRITE);
        Response res = bearer(token).post("/books", DUNE);
        assertThat(res.body(), res.status(), is(201));
        return res.json().get("id").asLong();
    }

    private long count() {
        try (Connection connection = service.testDatabase().connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM books")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String metrics() {
        return api.get("/observe/metrics", "Accept", "text/plain").body();
    }

    private double rejected(String reason) {
        for (String line : metrics().split("\n")) {
            Matcher matcher = REJECTED.matcher(line.strip());
            if (matcher.matches() && matcher.group(1).equals(reason)) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        throw new AssertionError("no books_auth_rejected_total{reason=\"" + reason + "\"} in the metrics");
    }

    private static String changed(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    private static void awaitStatus(Supplier<Integer> request, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int last = request.get();
        while (last != status && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = request.get();
        }
        assertThat(last, is(status));
    }
}

package dev.books;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.books.Api.Response;
import dev.books.auth.TestAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The packaged jar as users run it: {@code java -jar target/books.jar}, configured by environment variables.
 */
class MainIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(10);

    @Test
    void runsOnEmbeddedH2WithoutSetupAndSaysDataIsNotKept() throws IOException {
        try (ServiceProcess service = ServiceProcess.start(Map.of())) {
            service.awaitLog("books is up", START);

            assertThat(
                    service.log(), containsString("embedded in-memory H2 database. Data will NOT survive a restart"));
            assertThat(service.log(), containsString("DB_URL"));
            Response books = service.api().get("/books");
            assertThat(books.status(), is(200));
            assertThat(books.json().get("2").get("title").asText(), is("To Kill a Mockingbird"));
            assertThat(service.api().get("/observe/health/ready").status(), is(200));
            // The zero-config run keeps the original open API, and says so once.
            assertThat(service.log().split("Writes are NOT protected", -1).length - 1, is(1));
        }
    }

    @Test
    void tokensFileFromTheEnvironmentProtectsWrites() throws IOException {
        Path tokens = Files.createTempFile("books-tokens-", ".txt");
        String token = TestAuth.newToken();
        try {
            Files.writeString(tokens, "# editors\n" + token + "\n");
            try (ServiceProcess service = ServiceProcess.start(Map.of("BOOKS_AUTH_TOKENS_FILE", tokens.toString()))) {
                service.awaitLog("books is up", START);
                String dune = "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1965}";

                assertThat(service.api().get("/books").status(), is(200));
                assertThat(service.api().post("/books", dune).status(), is(401));
                assertThat(
                        service.api()
                                .post("/books", dune, "Authorization", "Bearer " + token)
                                .status(),
                        is(201));
                assertThat(service.log(), containsString("Writes need a bearer token: 1 static token(s) from "));
                assertThat(service.log(), not(containsString("Writes are NOT protected")));
                assertThat(service.log(), not(containsString(token)));
            }
        } finally {
            Files.deleteIfExists(tokens);
        }
    }

    @Test
    void unreadableTokensFileStopsStartWithMessageNamingTheFile() throws IOException {
        String file = "/nonexistent/books/api_tokens";
        try (ServiceProcess service = ServiceProcess.start(Map.of("BOOKS_AUTH_TOKENS_FILE", file))) {

            int exit = service.awaitExit(START);

            assertThat(exit, is(1));
            assertThat(service.log(), containsString("Cannot start: Cannot read the tokens file " + file));
            assertThat(service.log(), containsString("BOOKS_AUTH_TOKENS_FILE"));
        }
    }

    @Test
    void jwtWithoutIssuerStopsStart() throws IOException {
        try (ServiceProcess service = ServiceProcess.start(
                Map.of("BOOKS_AUTH_JWT_JWKS", "https://idp.example/jwks", "BOOKS_AUTH_JWT_AUDIENCE", "books"))) {

            int exit = service.awaitExit(START);

            assertThat(exit, is(1));
            assertThat(service.log(), containsString("books.auth.jwt.issuer (BOOKS_AUTH_JWT_ISSUER) must be set"));
        }
    }

    @Test
    void jsonLogsAreEcsObjectsOnePerLineWithAccessFields() throws IOException {
        try (ServiceProcess service = ServiceProcess.start(Map.of("BOOKS_LOG_FORMAT", "json"))) {
            service.awaitLog("books is up", START);
            assertThat(service.api().get("/books/1", "X-Request-Id", "json-1").status(), is(200));
            assertThat(service.api().get("/books/x", "X-Request-Id", "json-2").status(), is(400));
            assertThat(service.terminate(STOP), anyOf(is(0), is(143)));

            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : service.log().split("\\R")) {
                if (!line.isEmpty()) {
                    try {
                        lines.add(json.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("not a JSON line: " + line, e);
                    }
                }
            }
            for (JsonNode line : lines) {
                for (String member : List.of("@timestamp", "log.level", "log.logger", "message")) {
                    assertThat(line + " has " + member, line.path(member).isTextual(), is(true));
                }
            }
            JsonNode access = lines.stream()
                    .filter(l -> "json-2".equals(l.path("http.request.id").asText()))
                    .findFirst()
                    .orElseThrow();
            assertThat(access.get("log.logger").asText(), is("dev.books.access"));
            assertThat(access.get("message").asText(), containsString("GET /books/x 400 "));
            assertThat(access.get("http.request.method").asText(), is("GET"));
            assertThat(access.get("url.path").asText(), is("/books/x"));
            assertThat(access.get("http.response.status_code").asInt(), is(400));
            assertThat(access.get("event.duration").isIntegralNumber(), is(true));
            assertThat(access.get("event.duration").asLong() > 0, is(true));
            assertThat(lines.stream().anyMatch(l -> l.get("message").asText().equals("Stopped")), is(true));
        }
    }

    @Test
    void unknownLogFormatStopsStart() throws IOException {
        try (ServiceProcess service = ServiceProcess.start(Map.of("BOOKS_LOG_FORMAT", "xml"))) {

            int exit = service.awaitExit(START);

            assertThat(exit, is(1));
            assertThat(
                    service.log(),
                    containsString("books.log.format (BOOKS_LOG_FORMAT) must be text or json, not 'xml'"));
        }
    }

    @Test
    void stopsCleanlyOnSigterm() throws IOException {
        try (ServiceProcess service = ServiceProcess.start(Map.of())) {
            service.awaitLog("books is up", START);
            assertThat(
                    service.api()
                            .post("/books", "{\"title\":\"T\",\"author\":\"A\",\"year\":1}", "X-Request-Id", "stop-1")
                            .status(),
                    is(201));

            int exit = service.terminate(STOP);

            // 143 = terminated by SIGTERM after the shutdown hooks ran.
            assertThat(exit, anyOf(is(0), is(143)));
            assertThat(service.log(), containsString("Stopping: readiness is DOWN"));
            assertThat(service.log(), containsString("Stopped"));
            assertThat(service.log(), not(containsString("Exception")));
            assertThat(service.log(), containsString(" INFO dev.books.access [stop-1]: POST /books 201 "));
        }
    }

    @Test
    void unreadablePasswordFileStopsStartWithMessageNamingTheFile() throws IOException {
        String file = "/nonexistent/books/db_password";
        try (ServiceProcess service = ServiceProcess.start(
                Map.of("DB_URL", "jdbc:postgresql://127.0.0.1:9/books", "DB_PASSWORD_FILE", file))) {

            int exit = service.awaitExit(START);

            assertThat(exit, is(1));
            assertThat(service.log(), containsString("Cannot read the database password file " + file));
            assertThat(service.log(), containsString("DB_PASSWORD_FILE"));
        }
    }

    @Test
    void brokenMigrationStopsStartWithNonZeroExit(@TempDir Path directory) throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("books");
        // A table of the same name in the way of the first migration: waiting cannot mend that.
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE books (unrelated INT)");
        }
        try (ServiceProcess service = ServiceProcess.start(Map.of("DB_URL", url))) {

            int exit = service.awaitExit(START);

            assertThat(exit, is(1));
            assertThat(service.log(), containsString("Cannot start: Database migration failed"));
            assertThat(service.log(), not(containsString("books is up")));
        }
    }

    @Test
    void portInUseStopsStartWithNonZeroExit() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServiceProcess service =
                        ServiceProcess.start(Map.of("SERVER_PORT", Integer.toString(taken.getLocalPort())))) {

            int exit = service.awaitExit(START);

            assertThat(exit, is(1));
            assertThat(service.log(), containsString("Cannot start: the HTTP server did not start"));
        }
    }

    @Test
    void healthProbeExitsZeroWhenReadyAndOneOtherwise() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of())) {
            service.awaitLog("books is up", START);
            String base = "http://127.0.0.1:" + service.port();

            assertThat(probe(base + "/observe/health/ready"), is(0));
            assertThat(probe(base + "/observe/health/live"), is(0));
            assertThat(probe(base + "/no/such/path"), is(1));
            int closedPort = service.port();
            service.terminate(STOP);
            assertThat(probe("http://127.0.0.1:" + closedPort + "/observe/health/ready"), is(1));
            assertThat(probe("not-a-url"), is(1));
        }
    }

    private static int probe(String url) throws IOException, InterruptedException {
        Path classes = Path.of(System.getProperty("books.classes", "target/classes"));
        Process probe = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        classes.toString(),
                        "dev.books.probe.HealthProbe",
                        url))
                .inheritIO()
                .start();
        if (!probe.waitFor(10, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            throw new AssertionError("probe hung: " + url);
        }
        return probe.exitValue();
    }
}

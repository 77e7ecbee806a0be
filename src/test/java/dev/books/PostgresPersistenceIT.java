package dev.books;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.books.Api.Response;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The packaged jar on PostgreSQL, configured by environment variables only: data survives a restart, and the
 * password (from a secret file) never appears in the log.
 */
@PostgresTest
class PostgresPersistenceIT {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void dataSurvivesRestartAndSecretIsNeverLogged() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        Path passwordFile = Files.createTempFile("db_password", ".txt");
        Files.writeString(passwordFile, secret + "\n", StandardCharsets.UTF_8);
        try (TestDatabase db = TestDatabase.postgres()) {
            TestDatabase.PostgresServer server = TestDatabase.PostgresServer.configured();
            Map<String, String> env = Map.of(
                    "DB_URL", db.url(),
                    "DB_USERNAME", server.username(),
                    "DB_PASSWORD_FILE", passwordFile.toString());
            long id;
            String firstLog;
            try (ServiceProcess first = ServiceProcess.start(env)) {
                first.awaitLog("books is up", START);
                assertThat(first.log(), not(containsString("H2")));
                Response created =
                        first.api().post("/books", "{\"title\":\"Kept\",\"author\":\"Writer\",\"year\":2001}");
                assertThat(created.status(), is(201));
                id = created.json().get("id").asLong();
                assertThat(first.api().put("/books/" + id, "{\"year\":2002}").status(), is(200));
                first.terminate(Duration.ofSeconds(10));
                firstLog = first.log();
            }
            try (ServiceProcess second = ServiceProcess.start(env)) {
                second.awaitLog("books is up", START);

                Response read = second.api().get("/books/" + id);

                assertThat(read.status(), is(200));
                assertThat(read.json().get("title").asText(), is("Kept"));
                assertThat(read.json().get("year").asInt(), is(2002));
                assertThat(read.json().get("version").asInt(), is(2));
                second.terminate(Duration.ofSeconds(10));
                assertThat(firstLog + second.log(), not(containsString(secret)));
            }
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }
}

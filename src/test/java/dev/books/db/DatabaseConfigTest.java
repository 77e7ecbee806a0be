package dev.books.db;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatabaseConfigTest {
    @TempDir
    Path dir;

    @Test
    void emptyUrlMeansEmbeddedH2() {
        DatabaseConfig config = DatabaseConfig.create(db(Map.of()), true);

        assertThat(config.embedded(), is(true));
        assertThat(config.url(), is(DatabaseConfig.EMBEDDED_URL));
    }

    @Test
    void everyPostgresConnectionBoundsItsConnectAttemptAndNamesTheService() {
        DatabaseConfig postgres = DatabaseConfig.create(db(Map.of("db.url", "jdbc:postgresql://db:5432/books")), false);

        assertThat(postgres.driverProperties(), is(Map.of("connectTimeout", "5", "ApplicationName", "books")));
        assertThat(DatabaseConfig.create(db(Map.of()), false).driverProperties(), is(Map.of()));
    }

    @Test
    void readsUrlCredentialsAndPoolSettings() {
        DatabaseConfig config = DatabaseConfig.create(
                db(Map.of(
                        "db.url", "jdbc:postgresql://db:5432/books",
                        "db.username", "books",
                        "db.password", "pw",
                        "db.pool.maximum-size", "7",
                        "db.pool.connection-timeout", "PT3S")),
                false);

        assertThat(config.embedded(), is(false));
        assertThat(config.url(), is("jdbc:postgresql://db:5432/books"));
        assertThat(config.username(), is("books"));
        assertThat(config.password(), is("pw"));
        assertThat(config.maxPoolSize(), is(7));
        assertThat(config.connectionTimeout(), is(Duration.ofSeconds(3)));
        assertThat(config.sampleData(), is(false));
    }

    @Test
    void passwordFileWinsAndLosesOnlyItsTrailingNewline() throws Exception {
        Path file = dir.resolve("db_password");
        Files.writeString(file, "  spaced secret \n", StandardCharsets.UTF_8);

        DatabaseConfig config = DatabaseConfig.create(
                db(Map.of(
                        "db.url", "jdbc:postgresql://db/books",
                        "db.password", "ignored",
                        "db.password-file", file.toString())),
                true);

        assertThat(config.password(), is("  spaced secret "));
    }

    @Test
    void windowsLineEndingIsTrimmedToo() throws Exception {
        Path file = dir.resolve("crlf");
        Files.writeString(file, "secret\r\n", StandardCharsets.UTF_8);

        assertThat(DatabaseConfig.readPasswordFile(file), is("secret"));
    }

    @Test
    void unreadablePasswordFileIsAClearErrorThatNamesTheFile() {
        Path missing = dir.resolve("nope");

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> DatabaseConfig.create(
                        db(Map.of("db.url", "jdbc:postgresql://db/books", "db.password-file", missing.toString())),
                        true));

        assertThat(e.getMessage(), containsString(missing.toString()));
        assertThat(e.getMessage(), containsString("DB_PASSWORD_FILE"));
    }

    @Test
    void printedFormsNeverShowThePassword() {
        DatabaseConfig config = DatabaseConfig.create(
                db(Map.of(
                        "db.url", "jdbc:postgresql://db/books?user=u&password=urlsecret&ssl=true",
                        "db.password", "configsecret")),
                true);

        assertThat(config.toString(), not(containsString("configsecret")));
        assertThat(config.toString(), not(containsString("urlsecret")));
        assertThat(config.safeUrl(), is("jdbc:postgresql://db/books?user=u&password=***&ssl=true"));
    }

    private static Config db(Map<String, String> values) {
        // Over application.yaml, which holds the defaults.
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .addSource(ConfigSources.classpath("application.yaml"))
                .build()
                .get("db");
    }
}

package dev.books.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;

/**
 * Database settings, read from the {@code db} configuration node (defaults in application.yaml).
 *
 * @param password          never logged
 * @param embedded          whether this is the zero-setup in-memory H2 database
 * @param connectionTimeout how long a request waits for a pooled connection, in all
 * @param validationTimeout how long a health check may take
 * @param statementTimeout  how long one request may hold a connection before the connection is aborted
 * @param sampleData        whether a fresh database gets the two sample books
 */
public record DatabaseConfig(
        String url,
        String username,
        String password,
        boolean embedded,
        int maxPoolSize,
        Duration connectionTimeout,
        Duration validationTimeout,
        Duration maxLifetime,
        Duration statementTimeout,
        boolean sampleData) {

    /** URL of the zero-setup database: in memory, PostgreSQL dialect, kept until the JVM exits. */
    public static final String EMBEDDED_URL = "jdbc:h2:mem:books;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

    /** Reads the {@code db} node; throws when a configured password file cannot be read. */
    public static DatabaseConfig create(Config db, boolean sampleData) {
        String url = db.get("url").asString().get().strip();
        Config pool = db.get("pool");
        return new DatabaseConfig(
                url.isEmpty() ? EMBEDDED_URL : url,
                db.get("username").asString().get(),
                password(db),
                url.isEmpty(),
                pool.get("maximum-size").asInt().get(),
                pool.get("connection-timeout").as(Duration.class).get(),
                pool.get("validation-timeout").as(Duration.class).get(),
                pool.get("max-lifetime").as(Duration.class).get(),
                db.get("statement-timeout").as(Duration.class).get(),
                sampleData);
    }

    /** Reads a password file (a Docker/Compose secret) without one trailing line break; errors name only the file. */
    public static String readPasswordFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\r?\n\\z", "");
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException(
                    "Cannot read the database password file " + file
                            + " (db.password-file / DB_PASSWORD_FILE): "
                            + e.getClass().getSimpleName()
                            + ". Check that it exists and that the service's user may read it.",
                    e);
        }
    }

    private static String password(Config db) {
        String file = db.get("password-file").asString().get().strip();
        return file.isEmpty() ? db.get("password").asString().get() : readPasswordFile(Path.of(file));
    }

    /** @return whether this is PostgreSQL (else H2): the driver settings and the migrations depend on it */
    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /**
     * Of the pool's and Flyway's connections: a bounded connect on a dead network, the name pg_stat_activity shows
     * (the URL may override both). No socket time-out: a statement's time is bounded by the gate.
     */
    public Map<String, String> driverProperties() {
        return postgres() ? Map.of("connectTimeout", "5", "ApplicationName", "books") : Map.of();
    }

    /** @return the URL with any {@code password=} parameter masked, for logs */
    public String safeUrl() {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** Leaves the password out, so logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "DatabaseConfig[url=" + safeUrl() + ", username=" + username + ", password="
                + (password.isEmpty() ? "" : "***") + ", maxPoolSize=" + maxPoolSize + ", connectionTimeout="
                + connectionTimeout + "]";
    }
}

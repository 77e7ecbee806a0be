package dev.books;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.books.db.Database;
import dev.books.db.DatabaseConfig;
import io.helidon.config.Config;

/**
 * A database of its own for one test class: an in-memory H2 database, or a new database created on the
 * PostgreSQL server named by {@code BOOKS_TEST_PG_URL} and dropped again on {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {
    /** The service's default {@code db.statement-timeout}. */
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern PG_URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");

    private final String url;
    private final String username;
    private final String password;
    private final String dropName;
    private Database database;

    private TestDatabase(String url, String username, String password, String dropName) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.dropName = dropName;
    }

    /**
     * A new in-memory H2 database in PostgreSQL mode, as the service uses by default.
     *
     * @return the database
     */
    public static TestDatabase h2() {
        String name = "test_" + UUID.randomUUID().toString().replace("-", "");
        return new TestDatabase(DatabaseConfig.EMBEDDED_URL.replace("mem:books", "mem:" + name), "", "", null);
    }

    /**
     * A new, empty database on the test PostgreSQL server.
     *
     * @return the database
     */
    public static TestDatabase postgres() {
        PostgresServer server = PostgresServer.configured();
        String name = "books_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        server.execute("CREATE DATABASE " + name);
        return new TestDatabase(server.urlOf(name), server.username(), server.password(), name);
    }

    /**
     * Settings pointing at this database.
     *
     * @param sampleData whether migrations insert the sample books
     * @return settings
     */
    public DatabaseConfig config(boolean sampleData) {
        return config(url, sampleData, STATEMENT_TIMEOUT);
    }

    /**
     * Settings pointing at this database, with a statement time-out of the test's choice.
     *
     * @param statementTimeout {@code db.statement-timeout}
     * @return settings, with the sample books
     */
    public DatabaseConfig configWithStatementTimeout(Duration statementTimeout) {
        return config(url, true, statementTimeout);
    }

    /**
     * Settings reaching this database through another port on 127.0.0.1 (a {@link TcpProxy}).
     *
     * @param port the proxy's port
     * @return settings, with the sample books
     */
    public DatabaseConfig configThrough(int port) {
        String proxied = url.replaceFirst("^jdbc:postgresql://[^/]+/", "jdbc:postgresql://127.0.0.1:" + port + "/");
        return config(proxied, true, STATEMENT_TIMEOUT);
    }

    private DatabaseConfig config(String jdbcUrl, boolean sampleData, Duration statementTimeout) {
        return new DatabaseConfig(
                jdbcUrl,
                username,
                password,
                false,
                4,
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofMinutes(30),
                statementTimeout,
                sampleData);
    }

    /**
     * Host and port of the PostgreSQL server of this database.
     *
     * @return for example {@code 127.0.0.1:5432}
     */
    public String hostAndPort() {
        Matcher matcher = Pattern.compile("jdbc:postgresql://([^/]+)/.*").matcher(url);
        if (!matcher.matches()) {
            throw new IllegalStateException("Not a PostgreSQL URL: " + url);
        }
        return matcher.group(1).contains(":") ? matcher.group(1) : matcher.group(1) + ":5432";
    }

    /**
     * Starts the service's database layer (pool, migrations with sample data) on this database.
     *
     * @return the started database, closed by {@link #close()}
     */
    public Database start() {
        return start(config(true));
    }

    /**
     * Starts the service's database layer on this database with settings of the test's own.
     *
     * @param settings settings, normally from {@link #config(boolean)} with a change
     * @return the started database, closed by {@link #close()}
     */
    public Database start(DatabaseConfig settings) {
        database = start(settings, Config.create().get("db.statements"));
        if (!awaitMigrated(database)) {
            throw new IllegalStateException("Test database was not migrated within 60 s: " + url);
        }
        return database;
    }

    /**
     * Opens the service's database layer and waits for the first migration attempt.
     *
     * @param settings   database settings
     * @param statements the named statements
     * @return the database; throws if a migration is broken
     */
    public static Database start(DatabaseConfig settings, Config statements) {
        Database database = Database.open(settings, statements);
        try {
            database.migrate().join();
        } catch (CompletionException e) {
            database.close();
            throw e.getCause() instanceof IllegalStateException broken ? broken : e;
        }
        return database;
    }

    /**
     * Waits up to 60 s until the schema is migrated.
     *
     * @param database the database layer
     * @return whether it is migrated
     */
    public static boolean awaitMigrated(Database database) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!database.migrated() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return database.migrated();
    }

    /**
     * JDBC URL of this database.
     *
     * @return URL
     */
    public String url() {
        return url;
    }

    /**
     * Opens a plain JDBC connection, to look at the data behind the service's back.
     *
     * @return connection
     * @throws SQLException when it fails
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
        }
        if (dropName != null) {
            PostgresServer.configured().execute("DROP DATABASE IF EXISTS " + dropName + " WITH (FORCE)");
        } else {
            try (Connection connection = connect();
                    Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The PostgreSQL server the tests use, from {@code BOOKS_TEST_PG_URL}, {@code BOOKS_TEST_PG_USER} and
     * {@code BOOKS_TEST_PG_PASSWORD}.
     *
     * @param adminUrl JDBC URL of a database on it the test user may connect to (and create databases from)
     * @param username user, needs CREATEDB
     * @param password password
     */
    public record PostgresServer(String adminUrl, String username, String password) {
        /** Environment variable naming the test server. */
        public static final String URL_VARIABLE = "BOOKS_TEST_PG_URL";

        /**
         * Whether a test PostgreSQL is configured.
         *
         * @return {@code true} if {@code BOOKS_TEST_PG_URL} is set
         */
        public static boolean isConfigured() {
            String url = System.getenv(URL_VARIABLE);
            return url != null && !url.isBlank();
        }

        /**
         * The configured server.
         *
         * @return server
         * @throws IllegalStateException when none is configured
         */
        public static PostgresServer configured() {
            if (!isConfigured()) {
                throw new IllegalStateException(URL_VARIABLE + " is not set (e.g. "
                        + "jdbc:postgresql://127.0.0.1:5432/postgres); it is required when CI=true");
            }
            String user = System.getenv().getOrDefault("BOOKS_TEST_PG_USER", "postgres");
            String password = System.getenv().getOrDefault("BOOKS_TEST_PG_PASSWORD", "");
            return new PostgresServer(System.getenv(URL_VARIABLE).strip(), user, password);
        }

        /**
         * URL of another database on this server.
         *
         * @param database database name
         * @return URL
         */
        public String urlOf(String database) {
            Matcher matcher = PG_URL.matcher(adminUrl);
            if (!matcher.matches()) {
                throw new IllegalStateException(
                        URL_VARIABLE + " must look like jdbc:postgresql://host:port/db: " + adminUrl);
            }
            return matcher.group(1) + database + (matcher.group(3) == null ? "" : matcher.group(3));
        }

        /**
         * Runs one administrative statement.
         *
         * @param sql statement
         */
        public void execute(String sql) {
            try (Connection connection = DriverManager.getConnection(adminUrl, username, password);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + adminUrl + " failed: " + e.getMessage(), e);
            }
        }
    }
}

package dev.books.book;

import dev.books.Api;
import dev.books.TestDatabase;
import dev.books.TestServer;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The request properties on PostgreSQL (its text handling differs from H2's: e.g. it refuses NUL characters).
 * Skipped like the other PostgreSQL tests when BOOKS_TEST_PG_URL is not set, except under CI.
 */
@AddLifecycleHook(PostgresBookRequestPropertiesTest.RequirePostgres.class)
class PostgresBookRequestPropertiesTest extends BookRequestProperties {
    private static TestDatabase database;
    private static TestServer server;

    @BeforeContainer
    static void start() {
        database = TestDatabase.postgres();
        server = TestServer.start(database.start());
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected Api api() {
        return server.api();
    }

    /** The same rule as {@link dev.books.PostgresTest} for jqwik, which does not run JUnit Jupiter conditions. */
    public static final class RequirePostgres implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            if (TestDatabase.PostgresServer.isConfigured() || "true".equalsIgnoreCase(System.getenv("CI"))) {
                return SkipResult.doNotSkip();
            }
            return SkipResult.skip("PostgreSQL tests skipped: set BOOKS_TEST_PG_URL to run them");
        }
    }
}

package dev.books.book;

import dev.books.Api;
import dev.books.PostgresTest;
import dev.books.TestService;
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
    private static TestService service;

    @BeforeContainer
    static void start() {
        service = TestService.postgres();
    }

    @AfterContainer
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Override
    protected Api api() {
        return service.api();
    }

    /** The same rule as {@link dev.books.PostgresTest} for jqwik, which does not run JUnit Jupiter conditions. */
    public static final class RequirePostgres implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return PostgresTest.Condition.skipReason().map(SkipResult::skip).orElseGet(SkipResult::doNotSkip);
        }
    }
}

package dev.books.book;

import dev.books.Api;
import dev.books.TestService;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Text and number rules against the document, on PostgreSQL (whose VARCHAR counts code points, as the document does). */
@AddLifecycleHook(PostgresBookRequestPropertiesTest.RequirePostgres.class)
class PostgresBookTextPropertiesTest extends BookTextProperties {
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
}

package dev.books.book;

import dev.books.Api;
import dev.books.TestService;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Text and number rules against the document, on the embedded H2 database. */
class H2BookTextPropertiesTest extends BookTextProperties {
    private static TestService service;

    @BeforeContainer
    static void start() {
        service = TestService.h2();
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

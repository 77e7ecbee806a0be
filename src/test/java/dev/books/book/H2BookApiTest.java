package dev.books.book;

import dev.books.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The HTTP contract on the embedded H2 database (the zero-setup default).
 */
class H2BookApiTest extends BookApiContract {
    private static TestService service;

    H2BookApiTest() {
        super(service.api());
    }

    @BeforeAll
    static void start() {
        service = TestService.h2();
    }

    @AfterAll
    static void stop() {
        service.close();
    }
}

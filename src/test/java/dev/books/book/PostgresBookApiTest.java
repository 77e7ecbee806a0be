package dev.books.book;

import dev.books.PostgresTest;
import dev.books.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The HTTP contract on PostgreSQL (BOOKS_TEST_PG_URL).
 */
@PostgresTest
class PostgresBookApiTest extends BookApiContract {
    private static TestService service;

    PostgresBookApiTest() {
        super(service.api());
    }

    @BeforeAll
    static void start() {
        service = TestService.postgres();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }
}

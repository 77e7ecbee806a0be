package dev.books;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on H2. The book operations' 503 answers need a database outage: the PostgreSQL run
 * ({@link PostgresOpenApiTest}) covers them.
 */
class H2OpenApiTest extends OpenApiConformanceContract {
    private static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.h2();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Override
    protected boolean duringDatabaseOutage(Runnable during) {
        return false;
    }

    @Override
    protected TestServer server() {
        return service.server();
    }
}

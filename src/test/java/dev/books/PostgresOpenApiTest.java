package dev.books;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on PostgreSQL, reached through a TCP proxy so that a real outage gives the 503 answers.
 */
@PostgresTest
class PostgresOpenApiTest extends OpenApiConformanceContract {
    private static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.postgresThroughProxy();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Override
    protected boolean duringDatabaseOutage(Runnable during) {
        service.cutDatabase();
        try {
            during.run();
        } finally {
            service.restoreDatabase();
        }
        return true;
    }

    @Override
    protected TestServer server() {
        return service.server();
    }
}

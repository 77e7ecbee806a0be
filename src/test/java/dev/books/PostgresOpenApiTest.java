package dev.books;

import dev.books.auth.TestAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on PostgreSQL, writes protected by tokens and JWT, reached through a TCP proxy so that a real
 * outage gives the 503 answers.
 */
@PostgresTest
class PostgresOpenApiTest extends OpenApiConformanceContract {
    private static TestAuth auth;
    private static TestService service;

    @BeforeAll
    static void start() {
        auth = TestAuth.start();
        service = TestService.postgresThroughProxy(auth.config(TestAuth.Mode.BOTH, false));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (auth != null) {
            auth.close();
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

    @Override
    protected TestAuth auth() {
        return auth;
    }
}

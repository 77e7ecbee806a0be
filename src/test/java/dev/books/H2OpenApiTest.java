package dev.books;

import dev.books.auth.TestAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on H2, writes protected by tokens and JWT. The book operations' 503 answers need a database
 * outage: the PostgreSQL run ({@link PostgresOpenApiTest}) covers them.
 */
class H2OpenApiTest extends OpenApiConformanceContract {
    private static TestAuth auth;
    private static TestService service;

    @BeforeAll
    static void start() {
        auth = TestAuth.start();
        service = TestService.start(TestDatabase.h2(), auth.config(TestAuth.Mode.BOTH, false));
    }

    @AfterAll
    static void stop() {
        service.close();
        auth.close();
    }

    @Override
    protected boolean duringDatabaseOutage(Runnable during) {
        return false;
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

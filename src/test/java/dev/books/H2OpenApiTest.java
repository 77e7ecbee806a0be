package dev.books;

import dev.books.auth.TestAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on H2. The book operations' 503 answers need a database outage: the PostgreSQL run
 * ({@link PostgresOpenApiTest}) covers them.
 */
class H2OpenApiTest extends OpenApiConformanceContract {
    private static TestDatabase database;
    private static TestServer server;
    private static TestAuth auth;

    @BeforeAll
    static void start() {
        database = TestDatabase.h2();
        auth = TestAuth.start();
        server = TestServer.start(database.start(), auth.config(TestAuth.Mode.BOTH, false));
    }

    @AfterAll
    static void stop() {
        server.close();
        auth.close();
        database.close();
    }

    @Override
    protected boolean duringDatabaseOutage(Runnable during) {
        return false;
    }

    @Override
    protected TestServer server() {
        return server;
    }

    @Override
    protected TestAuth auth() {
        return auth;
    }
}

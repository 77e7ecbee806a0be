package dev.books;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on H2. The book operations' 503 answers need a database outage: the PostgreSQL run
 * ({@link PostgresOpenApiTest}) covers them.
 */
class H2OpenApiTest extends OpenApiConformanceContract {
    private static TestDatabase database;
    private static TestServer server;

    @BeforeAll
    static void start() {
        database = TestDatabase.h2();
        server = TestServer.start(database.start());
    }

    @AfterAll
    static void stop() {
        server.close();
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
}

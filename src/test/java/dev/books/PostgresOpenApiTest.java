package dev.books;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import dev.books.auth.TestAuth;
import dev.books.db.Database;
import io.helidon.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * OpenAPI conformance on PostgreSQL, reached through a TCP proxy so that a real outage gives the 503 answers.
 */
@PostgresTest
class PostgresOpenApiTest extends OpenApiConformanceContract {
    private static TestDatabase database;
    private static TcpProxy proxy;
    private static Database db;
    private static TestServer server;
    private static TestAuth auth;

    @BeforeAll
    static void start() throws IOException {
        database = TestDatabase.postgres();
        String[] hostPort = database.hostAndPort().split(":");
        proxy = TcpProxy.start(hostPort[0], Integer.parseInt(hostPort[1]));
        db = Database.start(
                database.configThrough(proxy.port()), Config.create().get("db.statements"));
        if (!db.awaitMigrated(Duration.ofSeconds(60))) {
            throw new IllegalStateException("not migrated");
        }
        auth = TestAuth.start();
        server = TestServer.start(db, auth.config(TestAuth.Mode.BOTH, false));
    }

    @AfterAll
    static void stop() {
        server.close();
        auth.close();
        db.close();
        proxy.close();
        database.close();
    }

    @Override
    protected boolean duringDatabaseOutage(Runnable during) {
        proxy.cut();
        try {
            during.run();
        } finally {
            try {
                proxy.restore();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return true;
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

package dev.books.book;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.books.Main;
import dev.books.PostgresTest;
import dev.books.TestDatabase;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.AfterStop;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;

/**
 * The HTTP contract on PostgreSQL (BOOKS_TEST_PG_URL).
 */
@PostgresTest
@ServerTest
class PostgresBookApiTest extends BookApiContract {
    private static TestDatabase database;

    PostgresBookApiTest(URI uri) {
        super(uri);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        database = TestDatabase.postgres();
        Main.setup(server, Config.create(), database.start(), new AtomicBoolean());
    }

    @AfterStop // must be public: Helidon looks it up with getMethods()
    public static void closeDatabase() {
        database.close();
    }
}

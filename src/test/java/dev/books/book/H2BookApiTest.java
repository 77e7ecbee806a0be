package dev.books.book;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.books.Main;
import dev.books.TestDatabase;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.AfterStop;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;

/**
 * The HTTP contract on the embedded H2 database (the zero-setup default).
 */
@ServerTest
class H2BookApiTest extends BookApiContract {
    private static TestDatabase database;

    H2BookApiTest(URI uri) {
        super(uri);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        database = TestDatabase.h2();
        Main.setup(server, Config.create(), database.start(), new AtomicBoolean());
    }

    @AfterStop // must be public: Helidon looks it up with getMethods()
    public static void closeDatabase() {
        database.close();
    }
}

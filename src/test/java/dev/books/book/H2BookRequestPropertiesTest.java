package dev.books.book;

import dev.books.Api;
import dev.books.TestDatabase;
import dev.books.TestServer;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The request properties on the embedded H2 database. */
class H2BookRequestPropertiesTest extends BookRequestProperties {
    private static TestDatabase database;
    private static TestServer server;

    @BeforeContainer
    static void start() {
        database = TestDatabase.h2();
        server = TestServer.start(database.start());
    }

    @AfterContainer
    static void stop() {
        server.close();
        database.close();
    }

    @Override
    protected Api api() {
        return server.api();
    }
}

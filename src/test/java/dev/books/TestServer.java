package dev.books;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.books.db.Database;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Filter;

/**
 * The service on a random loopback port, for tests that control the server's lifecycle themselves.
 *
 * @param server   running server
 * @param database its database
 * @param stopping the shutdown flag readiness reports
 */
public record TestServer(WebServer server, Database database, AtomicBoolean stopping) implements AutoCloseable {

    /**
     * Starts a server as {@link Main} does, on a random port.
     *
     * @param database started database
     * @return the running server
     */
    public static TestServer start(Database database) {
        return start(database, Config.create());
    }

    /**
     * Starts a server as {@link Main} does, on a random port, with a configuration of the test's own.
     *
     * @param database started database
     * @param config   root configuration
     * @return the running server
     */
    public static TestServer start(Database database, Config config) {
        return start(database, config, null);
    }

    /**
     * Starts a server as {@link Main} does, on a random port, with a filter of the test's own after the service's.
     *
     * @param database started database
     * @param config   root configuration
     * @param filter   the test's filter, or {@code null}
     * @return the running server
     */
    public static TestServer start(Database database, Config config, Filter filter) {
        AtomicBoolean stopping = new AtomicBoolean();
        var builder = WebServer.builder()
                .config(config.get("server"))
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false);
        Main.setup(builder, config, database, stopping);
        if (filter != null) {
            builder.routing().orElseThrow().addFilter(filter);
        }
        return new TestServer(builder.build().start(), database, stopping);
    }

    /**
     * A client of this server.
     *
     * @return client
     */
    public Api api() {
        return new Api(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }

    /** Stops the server (the database stays open; its owner closes it). */
    @Override
    public void close() {
        server.stop();
    }
}

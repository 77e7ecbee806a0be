package dev.books;

import java.io.IOException;
import java.io.UncheckedIOException;

import dev.books.db.Database;
import io.helidon.config.Config;

/**
 * The one way tests start the service in-process: a database of its own (H2, or a new PostgreSQL database,
 * optionally reached through a {@link TcpProxy} that can cut it off), the service's database layer on it, and the
 * server on a random loopback port. {@link #close()} stops all of it and drops the database.
 *
 * @param testDatabase the test's database
 * @param proxy        proxy between the service and PostgreSQL, or {@code null}
 * @param database     the service's database layer
 * @param server       the running server
 */
public record TestService(TestDatabase testDatabase, TcpProxy proxy, Database database, TestServer server)
        implements AutoCloseable {

    /**
     * The service on a new in-memory H2 database with the sample books.
     *
     * @return running service
     */
    public static TestService h2() {
        return start(TestDatabase.h2(), Config.create());
    }

    /**
     * The service on a new PostgreSQL database with the sample books.
     *
     * @return running service
     */
    public static TestService postgres() {
        return start(TestDatabase.postgres(), Config.create());
    }

    /**
     * The service on a database of the test's choice, with a configuration of its own (e.g. write protection).
     *
     * @param testDatabase a new test database, closed with the service
     * @param config       root configuration
     * @return running service
     */
    public static TestService start(TestDatabase testDatabase, Config config) {
        return start(testDatabase, false, false, config);
    }

    /**
     * The service on a new PostgreSQL database, reached through a proxy that {@link #cutDatabase()} cuts.
     *
     * @return running service
     */
    public static TestService postgresThroughProxy() {
        return postgresThroughProxy(Config.create());
    }

    /**
     * As {@link #postgresThroughProxy()}, with a configuration of the test's own.
     *
     * @param config root configuration
     * @return running service
     */
    public static TestService postgresThroughProxy(Config config) {
        return start(TestDatabase.postgres(), true, false, config);
    }

    /**
     * The service started while its PostgreSQL database cannot be reached (the proxy is cut until
     * {@link #restoreDatabase()}): it must start anyway, not ready.
     *
     * @return running service, not migrated yet
     */
    public static TestService postgresUnreachable() {
        return start(TestDatabase.postgres(), true, true, Config.create());
    }

    private static TestService start(TestDatabase testDatabase, boolean throughProxy, boolean cut, Config config) {
        TcpProxy proxy = null;
        try {
            Database database;
            if (throughProxy) {
                String[] hostPort = testDatabase.hostAndPort().split(":");
                proxy = TcpProxy.start(hostPort[0], Integer.parseInt(hostPort[1]));
                if (cut) {
                    proxy.cut();
                }
                database = TestDatabase.start(
                        testDatabase.configThrough(proxy.port()),
                        Config.create().get("db.statements"));
                if (!cut && !TestDatabase.awaitMigrated(database)) {
                    throw new IllegalStateException("Test database was not migrated within 60 s");
                }
            } else {
                database = testDatabase.start();
            }
            return new TestService(testDatabase, proxy, database, TestServer.start(database, config));
        } catch (IOException e) {
            testDatabase.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A client of the service.
     *
     * @return client
     */
    public Api api() {
        return server.api();
    }

    /** Cuts the service off its database (only for {@link #postgresThroughProxy()}). */
    public void cutDatabase() {
        proxy.cut();
    }

    /** Reconnects the service to its database after {@link #cutDatabase()}. */
    public void restoreDatabase() {
        try {
            proxy.restore();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        if (proxy != null) {
            // Started here, not by the test database (which closes the one it started itself).
            database.close();
            proxy.close();
        }
        testDatabase.close();
    }
}

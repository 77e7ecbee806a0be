package dev.books.db;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Supplier;

import dev.books.Api;
import dev.books.Api.Response;
import dev.books.PostgresTest;
import dev.books.TcpProxy;
import dev.books.TestDatabase;
import dev.books.TestServer;
import dev.books.TestService;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * What clients and orchestrators see while PostgreSQL is unreachable: the network between service and database is
 * cut by a TCP proxy, against a real PostgreSQL.
 */
@PostgresTest
class DatabaseOutageTest {
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    @Test
    void outageGivesFast503AndNotReadyThenRecoversWithoutRestart() throws Exception {
        try (TestService service = TestService.postgresThroughProxy()) {
            Api api = service.api();
            assertThat(api.get("/observe/health/ready").status(), is(200));
            assertThat(api.get("/books/1").status(), is(200));

            service.cutDatabase();

            long started = System.nanoTime();
            Response during = api.get("/books/1");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(during.body(), during.status(), is(503));
            assertThat(during.mediaType(), is("application/problem+json"));
            assertThat(during.json().get("error").asText(), is("Service unavailable"));
            assertThat(during.header("Retry-After").orElseThrow(), is("2"));
            // Bounded by the pool's connection time-out (2 s in the tests), not a hang.
            assertThat("answered in " + took, took.toMillis(), lessThan(8_000L));
            assertThat(
                    api.post("/books", "{\"title\":\"T\",\"author\":\"A\",\"year\":1}")
                            .status(),
                    is(503));
            Response ready = eventually(() -> api.get("/observe/health/ready"), r -> r.status() == 503);
            assertThat(ready.json().get("status").asText(), is("DOWN"));
            assertThat(api.get("/observe/health/live").status(), is(200));

            service.restoreDatabase();

            eventually(() -> api.get("/observe/health/ready"), r -> r.status() == 200);
            assertThat(api.get("/books/1").status(), is(200));
            assertThat(
                    api.post("/books", "{\"title\":\"T\",\"author\":\"A\",\"year\":1}")
                            .status(),
                    is(201));
        }
    }

    @Test
    void startsWithoutDatabaseAndBecomesReadyWhenItAppears() throws Exception {
        try (TestService service = TestService.postgresUnreachable()) {
            Api api = service.api();
            assertThat(api.get("/observe/health/live").status(), is(200));
            Response notReady = api.get("/observe/health/ready");
            assertThat(notReady.status(), is(503));
            Response books = api.get("/books");
            assertThat(books.status(), is(503));
            assertThat(books.json().get("error").asText(), is("Service unavailable"));

            service.restoreDatabase();

            eventually(() -> api.get("/observe/health/ready"), r -> r.status() == 200);
            Response after = api.get("/books");
            assertThat(after.status(), is(200));
            assertThat(after.json().get("1").get("title").asText(), is("1984"));
        }
    }

    @Test
    void firstMigrationWaitsForASlowFirstConnectionWithinTheConnectionTimeout() throws Exception {
        TestDatabase testDatabase = TestDatabase.postgres();
        String[] server = testDatabase.hostAndPort().split(":");
        try (testDatabase;
                TcpProxy proxy = TcpProxy.start(server[0], Integer.parseInt(server[1]))) {
            // Slower than the pool's own wait (250 ms), well within the connection time-out of the settings (2 s).
            proxy.delayConnections(Duration.ofMillis(700));

            try (Database database = TestDatabase.start(
                    testDatabase.configThrough(proxy.port()), Config.create().get("db.statements"))) {
                assertThat(database.migrated(), is(true));
                assertThat(database.check().status(), is(HealthCheckResponse.Status.UP));
            }
        }
    }

    @Test
    void statementHeldLongerThanTheStatementTimeoutIsAbortedAndAnswered503() throws Exception {
        TestDatabase testDatabase = TestDatabase.postgres();
        Database database = testDatabase.start(testDatabase.configWithStatementTimeout(Duration.ofSeconds(1)));
        try (TestService service = new TestService(testDatabase, null, database, TestServer.start(database));
                Connection locker = testDatabase.connect()) {
            Api api = service.api();
            // Another client holds a lock that stops even reads of the table, so the service's SELECT waits on the
            // database like a statement whose answer never comes.
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE books IN ACCESS EXCLUSIVE MODE");
            }

            Response stuck = api.get("/books/1");

            assertThat(stuck.body(), stuck.status(), is(503));
            assertThat(stuck.mediaType(), is("application/problem+json"));
            assertThat(stuck.header("Retry-After").orElseThrow(), is("2"));
            locker.rollback();
            // The aborted connection is replaced by the pool; the service answers again without a restart.
            Response after = eventually(() -> api.get("/books/1"), r -> r.status() == 200);
            assertThat(after.json().get("title").asText(), is("1984"));
            assertThat(api.put("/books/1", "{\"year\":1950}").status(), is(200));
        }
    }

    private static Response eventually(Supplier<Response> request, java.util.function.Predicate<Response> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        Response last = request.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Not reached within " + RECOVERY_BOUND + "; last answer " + last.status() + " " + last.body());
            }
            Thread.sleep(200);
            last = request.get();
        }
        return last;
    }
}

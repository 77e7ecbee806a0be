package dev.books;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * A request Helidon interrupts while the service handles it is still answered. Helidon 4.5 does this when it stops
 * just as a request begins on an idle keep-alive connection ({@code Http1Connection.close(false)} races with reading
 * the request); on a virtual thread the interrupt closes the socket the request is blocked on. The test interrupts
 * the request's thread while it waits for PostgreSQL, held up by a table lock.
 */
@PostgresTest
class InterruptedRequestTest {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");
    private static final BlockingQueue<Thread> HANDLERS = new ArrayBlockingQueue<>(10);
    private static TestDatabase testDatabase;
    private static TestServer server;

    @BeforeAll
    static void start() {
        testDatabase = TestDatabase.postgres();
        server = TestServer.start(testDatabase.start(), Config.create(), (chain, req, res) -> {
            HANDLERS.add(Thread.currentThread());
            chain.proceed();
        });
    }

    @AfterAll
    static void stop() {
        server.close();
        testDatabase.close();
    }

    @Test
    void interruptedReadIsRunAgainAndAnswered() throws Exception {
        // The lock is released once the query runs again (a second session waits for it).
        String answer = interruptedWhileWaitingForTheDatabase("GET /books/1 HTTP/1.1\r\n", "", 2);

        assertThat(answer, startsWith("HTTP/1.1 200 OK"));
        assertThat(answer, containsString("\"title\":\"1984\""));
    }

    @Test
    void interruptedChangeIsAnsweredAsDatabaseUnavailable() throws Exception {
        String body = "{\"year\": 2001}";
        String answer = interruptedWhileWaitingForTheDatabase(
                "PUT /books/2 HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n",
                body,
                1); // no second session: the change is not run again

        // Whether the change was stored is unknown (it may run once the lock is gone): the answer says retry.
        assertThat(answer, startsWith("HTTP/1.1 503 Service Unavailable"));
        assertThat(answer, containsString("Retry-After: 2"));
        assertThat(answer, containsString("\"type\":\"urn:books:problem:database-unavailable\""));
    }

    /**
     * Sends a request while the books table is locked and interrupts its thread once it waits; releases the lock when
     * {@code waiting} sessions wait for it and returns the answer. Sessions are counted on a connection of their own:
     * within the lock's transaction, {@code pg_stat_activity} would keep the sessions it saw first.
     */
    private static String interruptedWhileWaitingForTheDatabase(String head, String body, int waiting)
            throws Exception {
        HANDLERS.clear();
        try (Connection lock = testDatabase.connect();
                Connection watch = testDatabase.connect();
                Statement sessions = watch.createStatement();
                Socket socket = new Socket("127.0.0.1", server.server().port())) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE books IN ACCESS EXCLUSIVE MODE");
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write((head + "Host: localhost\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                Thread handler = HANDLERS.poll(10, TimeUnit.SECONDS);
                assertThat("the request reached the routing", handler, notNullValue());
                awaitLockWaits(sessions, 1);
                handler.interrupt();
                awaitLockWaits(sessions, waiting);
                lock.rollback();
                return readAnswer(socket.getInputStream());
            }
        }
    }

    private static void awaitLockWaits(Statement statement, int sessions) throws SQLException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
                if (rs.next() && rs.getInt(1) >= sessions) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(sessions + " sessions did not wait for the lock within 10 s");
    }

    /** Reads one answer: its head, then as many bytes as its Content-Length says. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        while (answer.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed without a complete answer: " + answer);
            }
            answer.append((char) b);
        }
        Matcher length = CONTENT_LENGTH.matcher(answer);
        if (length.find()) {
            answer.append(new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8));
        }
        return answer.toString();
    }
}

package dev.books;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/**
 * While the service is stopping (SIGTERM, during books.shutdown-delay) it keeps answering, reports not-ready and
 * asks keep-alive clients to reconnect elsewhere with {@code Connection: close}.
 */
class StoppingTest {
    private static TestService service;
    private static TestServer server;

    @BeforeAll
    static void start() {
        service = TestService.h2();
        server = service.server();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void stoppingServerAnswersButClosesKeepAliveConnectionsAndIsNotReady() throws IOException {
        assertThat(rawGet("/books/1"), containsString("Connection: keep-alive"));

        server.stopping().set(true);
        try {
            String answer = rawGet("/books/1");
            assertThat(answer, containsString("HTTP/1.1 200 OK"));
            assertThat(answer, containsString("Connection: close"));
            assertThat(answer, not(containsString("Connection: keep-alive")));
            assertThat(rawGet("/observe/health/ready"), containsString("HTTP/1.1 503"));
        } finally {
            server.stopping().set(false);
        }
    }

    private static String rawGet(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int read = in.read(buffer);
            return new String(buffer, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
        }
    }
}

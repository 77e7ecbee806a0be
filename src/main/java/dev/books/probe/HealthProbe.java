package dev.books.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A health check for images without a shell or curl ({@code java -cp /app/classes dev.books.probe.HealthProbe URL}):
 * one HTTP/1.1 GET, exit 0 on a 2xx answer, else 1. Nothing but a socket (no HTTP client, logging or framework), so
 * its JVM starts and exits in a fraction of a second.
 */
public final class HealthProbe {
    private static final int DEFAULT_TIMEOUT_MILLIS = 2000;

    private HealthProbe() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: HealthProbe http://host:port/path [timeout-millis]");
            System.exit(2);
        }
        int status;
        try {
            int timeout = args.length == 2 ? Integer.parseInt(args[1]) : DEFAULT_TIMEOUT_MILLIS;
            status = probe(URI.create(args[0]), timeout);
        } catch (IOException | RuntimeException e) {
            System.out.println("UNHEALTHY: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        boolean healthy = status >= 200 && status < 300;
        System.out.println((healthy ? "HEALTHY" : "UNHEALTHY") + ": HTTP " + status + " from " + args[0]);
        System.exit(healthy ? 0 : 1);
    }

    /** The status code of a GET; {@code timeoutMillis} bounds the connect and the read. */
    static int probe(URI uri, int timeoutMillis) throws IOException {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("Only http://host[:port]/path URLs are supported: " + uri);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port
                            + "\r\nConnection: close\r\nUser-Agent: books-health-probe\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readStatus(socket.getInputStream());
        }
    }

    private static int readStatus(InputStream in) throws IOException {
        // Status line: HTTP/1.1 200 OK
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < 256) {
            line.append((char) c);
        }
        String[] parts = line.toString().strip().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("Not an HTTP answer: '" + line.toString().strip() + "'");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("Bad status line: '" + line.toString().strip() + "'", e);
        }
    }
}

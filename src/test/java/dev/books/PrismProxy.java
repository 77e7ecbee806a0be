package dev.books;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stoplight Prism ({@code prism proxy}) as a validating proxy in front of a running service: it checks every
 * request and answer against the OpenAPI document and reports what breaks it in the {@code sl-violations} header
 * of the answer, which {@link OpenApiDocument#violations} reads. The prism binary is the one pinned by
 * src/test/contract/package-lock.json, installed by src/test/contract/third-party-check.sh, which passes its path
 * as the system property {@code books.prism}.
 */
public final class PrismProxy implements AutoCloseable {
    private static final String DOCUMENT = "src/main/resources/META-INF/openapi.yaml";

    private final Process process;
    private final Path log;
    private final int port;

    private PrismProxy(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts Prism in front of a server and waits until it listens.
     *
     * @param upstream the server, e.g. {@code http://127.0.0.1:12345/}
     * @return running proxy
     */
    public static PrismProxy start(URI upstream) {
        String prism = System.getProperty("books.prism");
        if (prism == null || !Files.isExecutable(Path.of(prism))) {
            throw new IllegalStateException(
                    "Run through src/test/contract/third-party-check.sh: -Dbooks.prism=<path of prism> is " + prism);
        }
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = Files.createTempFile("prism-", ".log");
            // --cors false: Prism would add CORS headers and answer preflights itself; the service has no CORS.
            List<String> command = List.of(
                    prism,
                    "proxy",
                    DOCUMENT,
                    upstream.toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--cors",
                    "false",
                    "--errors",
                    "false",
                    "-v",
                    "warn");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrismProxy proxy = new PrismProxy(process, log, port);
            proxy.awaitListening();
            // Proof that Prism validates what passes through it: an invalid query must be reported.
            Api.Response probe = proxy.api().get("/books?limit=abc");
            if (probe.headers().firstValue("sl-violations").isEmpty()) {
                proxy.close();
                throw new IllegalStateException("prism reported no violation for limit=abc: " + probe);
            }
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A client of the proxy in front of a client's server, started on first use.
     *
     * @param proxies the proxies started so far, by server; the caller closes them
     * @param direct  client of the server
     * @return client of the proxy
     */
    public static Api through(Map<URI, PrismProxy> proxies, Api direct) {
        // Excluded: HEAD. Prism 5.16 answers every proxied HEAD with 500 (it fails on the body a HEAD answer does
        // not have), so HEAD goes straight to the server and only our own check (OpenApiDocument) judges it.
        return proxies.computeIfAbsent(direct.base(), PrismProxy::start).api().withHeadRequestsTo(direct.base());
    }

    /**
     * A client that sends through the proxy.
     *
     * @return client
     */
    public Api api() {
        return new Api(URI.create("http://127.0.0.1:" + port + "/"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening() throws IOException {
        // Node starts and Prism reads the document in a few seconds; 60 s is the limit on a busy machine.
        for (int attempt = 0; attempt < 600; attempt++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prism exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("prism did not listen within 60 s: " + Files.readString(log));
    }
}

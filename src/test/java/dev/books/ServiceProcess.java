package dev.books;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code java -jar target/books.jar}) as a separate process, configured by environment
 * variables exactly as an operator would.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the jar named by the system property {@code books.jar} (set by the build) on a free port.
     *
     * @param env environment variables to add (SERVER_PORT is set here)
     * @return the running process; it may still be starting
     * @throws IOException when it cannot be started
     */
    public static ServiceProcess start(Map<String, String> env) throws IOException {
        return start(env, List.of(), false);
    }

    /**
     * Starts the jar with its standard output into a pipe that nobody reads until {@link #stdout()} is read: a log
     * sink that does not keep up. Standard error still goes to {@link #log()}.
     *
     * @param env     environment variables to add
     * @param jvmArgs JVM options (heap size)
     * @return the running process; it may still be starting
     * @throws IOException when it cannot be started
     */
    public static ServiceProcess startWithUnreadStdout(Map<String, String> env, List<String> jvmArgs)
            throws IOException {
        return start(env, jvmArgs, true);
    }

    private static ServiceProcess start(Map<String, String> env, List<String> jvmArgs, boolean unreadStdout)
            throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("books-service-", ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // Coverage of the subprocess goes to the same JaCoCo file as the tests (set by the build, may be empty).
        String agent = System.getProperty("books.subprocess.jvmArgs", "");
        if (!agent.isBlank()) {
            command.add(agent.strip());
        }
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar().toString());
        ProcessBuilder builder = unreadStdout
                ? new ProcessBuilder(command).redirectError(log.toFile())
                : new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("SERVER_HOST", "127.0.0.1");
        builder.environment().putAll(env);
        int actualPort = Integer.parseInt(builder.environment().get("SERVER_PORT"));
        return new ServiceProcess(builder.start(), log, actualPort);
    }

    /**
     * The service's jar.
     *
     * @return path of target/books.jar
     */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("books.jar", "target/books.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Run the integration tests with `./mvnw verify`: " + jar + " is missing");
        }
        return jar;
    }

    /**
     * A client of this service.
     *
     * @return client
     */
    public Api api() {
        return new Api(URI.create("http://127.0.0.1:" + port + "/"));
    }

    /**
     * The port the service listens on.
     *
     * @return port
     */
    public int port() {
        return port;
    }

    /**
     * Waits until the log contains a text.
     *
     * @param text    text to wait for
     * @param timeout bound
     * @throws AssertionError with the log when it does not appear in time or the process ends first
     */
    public void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive() && !log().contains(text)) {
                throw new AssertionError("'" + text + "' not logged within " + timeout + " (alive: " + process.isAlive()
                        + "). Log:\n" + log());
            }
            sleep(50);
        }
    }

    /**
     * The standard output of a process started by {@link #startWithUnreadStdout}.
     *
     * @return the read end of its pipe
     */
    public InputStream stdout() {
        return process.getInputStream();
    }

    /**
     * Everything the process printed so far.
     *
     * @return stdout and stderr
     */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends SIGTERM and waits for the exit.
     *
     * @param timeout bound
     * @return exit code
     * @throws AssertionError if it does not exit in time
     */
    public int terminate(Duration timeout) {
        // The process handle only signals; Process.destroy() would also close the pipe of stdout() unread.
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /**
     * Waits for the process to end by itself.
     *
     * @param timeout bound
     * @return exit code
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Process did not exit within " + timeout + ". Log:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /**
     * Whether the process still runs.
     *
     * @return {@code true} while alive
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // temp file stays
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

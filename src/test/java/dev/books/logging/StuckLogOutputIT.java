package dev.books.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.books.Api;
import dev.books.ServiceProcess;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The packaged jar with its standard output into a pipe nobody reads and a small heap: the log drops and counts
 * what it cannot write, and the service keeps answering.
 */
class StuckLogOutputIT {
    private static final int THREADS = 4;
    private static final int REQUESTS_PER_THREAD = 2_500;
    private static final Pattern DROPPED = Pattern.compile("(?m)^books_log_dropped_total\\{[^}]*} ([0-9.E]+)$");

    @Test
    void droppedLinesAreCountedAndTheServiceKeepsAnswering() throws Exception {
        try (ServiceProcess service = ServiceProcess.startWithUnreadStdout(Map.of(), List.of("-Xmx64m"))) {
            Api api = service.api();
            awaitReady(api);

            // Far more access lines than the pipe (64 KiB) and the log's queue (4096 lines) hold.
            ExecutorService clients = Executors.newFixedThreadPool(THREADS);
            List<Future<Integer>> answered = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                answered.add(clients.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        if (api.get("/books/" + (1 + i % 2)).status() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            clients.shutdown();
            for (Future<Integer> ok : answered) {
                assertThat(ok.get(), is(REQUESTS_PER_THREAD));
            }

            assertThat(api.get("/books/1").status(), is(200));
            assertThat(api.get("/observe/health/ready").status(), is(200));
            assertThat(dropped(api), greaterThan(0.0));

            // Once standard output is read again, the log says how many lines it dropped, and a normal shutdown
            // still writes its last lines.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    service.stdout().transferTo(out);
                } catch (IOException e) {
                    // the process ended
                }
            });
            awaitText(out, "log lines were dropped", Duration.ofSeconds(60));
            assertThat(service.isAlive(), is(true));
            assertThat(service.terminate(Duration.ofSeconds(10)), anyOf(is(0), is(143)));
            reader.join(Duration.ofSeconds(10));
            assertThat(
                    "standard error: " + service.log(),
                    out.toString(StandardCharsets.UTF_8),
                    containsString("INFO dev.books.Main []: Stopped"));
        }
    }

    private static double dropped(Api api) {
        Matcher m = DROPPED.matcher(api.get("/observe/metrics").body());
        assertThat("books_log_dropped_total in /observe/metrics", m.find(), is(true));
        return Double.parseDouble(m.group(1));
    }

    private static void awaitReady(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (api.get("/observe/health/ready").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s");
    }

    private static void awaitText(ByteArrayOutputStream out, String text, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + text + "' not logged within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}

package dev.books.logging;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The service's log on standard output: every log line, access lines included, goes through here.
 *
 * <p>Callers only queue an entry; one writer thread formats entries in batches and writes each batch with one
 * system call, so a request pays neither for formatting nor for a write and a flush of its access line.
 * {@link #flush()} waits until everything queued before it is written; the service calls it as the last step of
 * its shutdown, and a JVM shutdown hook calls it too, so no line is lost at exit.
 */
public final class LogOutput {
    private static final LogOutput SHARED = new LogOutput();
    private static final int BATCH_BYTES = 32 * 1024;
    /**
     * While lines keep coming the writer wakes every 20 ms and writes what came meanwhile; after a second without
     * lines it sleeps until one arrives. Waking every millisecond instead preempted the server's carrier threads
     * often enough to cost a fifth of the GET throughput on two cores (docs/performance.md).
     */
    private static final int BUSY_POLLS = 50;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final Thread writer;
    private volatile LogFormat format = LogFormat.TEXT;

    private LogOutput() {
        writer = Thread.ofPlatform().name("log-writer").daemon().unstarted(this::write);
        writer.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(this::flush));
    }

    /**
     * The log of this process.
     *
     * @return the shared output
     */
    public static LogOutput shared() {
        return SHARED;
    }

    /**
     * Chooses the format of lines written from now on.
     *
     * @param format text or JSON
     */
    public void format(LogFormat format) {
        this.format = format;
    }

    /**
     * Queues an entry to be formatted and written.
     *
     * @param entry a log record or an access line
     */
    public void add(LogEntry entry) {
        enqueue(entry);
    }

    /**
     * Waits until every entry queued so far is written (at most five seconds).
     */
    public void flush() {
        CountDownLatch written = new CountDownLatch(1);
        enqueue(written);
        try {
            if (!written.await(5, TimeUnit.SECONDS)) {
                // Standard error, not the log: the log is what is stuck (a blocked standard output).
                System.err.println("books: log lines not written within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enqueue(Object item) {
        queue.add(item);
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
    }

    private void write() {
        ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES * 2);
        StringBuilder line = new StringBuilder(256);
        int idle = 0;
        while (true) {
            Object item = queue.poll();
            if (item == null) {
                writeOut(batch);
                idle = sleep(idle);
                continue;
            }
            idle = 0;
            if (item instanceof CountDownLatch written) {
                writeOut(batch);
                written.countDown();
                continue;
            }
            line.setLength(0);
            format.append(line, (LogEntry) item);
            batch.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            if (batch.size() >= BATCH_BYTES) {
                writeOut(batch);
            }
        }
    }

    /** Polls while lines keep coming (under load), then sleeps until an entry wakes it. */
    private int sleep(int idle) {
        if (idle < BUSY_POLLS) {
            LockSupport.parkNanos(POLL_NANOS);
            return idle + 1;
        }
        sleeping.set(true);
        if (queue.isEmpty()) {
            LockSupport.park();
        }
        sleeping.set(false);
        return 0;
    }

    private static void writeOut(ByteArrayOutputStream batch) {
        if (batch.size() == 0) {
            return;
        }
        // System.out at the time of writing, so that a redirected System.out (tests) receives the log.
        PrintStream out = System.out;
        out.write(batch.toByteArray(), 0, batch.size());
        out.flush();
        batch.reset();
    }
}

package dev.books.logging;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's appender: a request only puts its line into a bounded queue, and one thread encodes and writes the lines,
 * flushing when the queue is empty and then sleeping {@link #IDLE} instead of being woken for every line (why not
 * logback's AsyncAppender: docs/design.md). When standard output does not keep up (a slow or stuck reader) and the
 * queue is full, a line is dropped and counted instead of making its request wait, so memory stays bounded; once the
 * queue has drained one warning says how many. Stopping writes what is queued.
 */
public final class LogQueue extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final Logger LOGGER = LoggerFactory.getLogger(LogQueue.class);
    private static final Duration IDLE = Duration.ofMillis(10);
    private static final AtomicLong DROPPED = new AtomicLong();
    private final BlockingQueue<ILoggingEvent> queue;
    private final Encoder<ILoggingEvent> encoder;
    private final OutputStream out;
    private volatile boolean stopping;
    private final Thread writer;
    private long reported; // drops the writer has warned about
    private long seen; // drops when the writer last found the queue empty

    /** Lines go through a queue of {@code size}, encoded by {@code encoder}, into {@code out}. */
    LogQueue(int size, Encoder<ILoggingEvent> encoder, OutputStream out) {
        this.queue = new ArrayBlockingQueue<>(size);
        this.encoder = encoder;
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("log-writer").unstarted(this::write);
    }

    @Override
    public void start() {
        writer.start();
        super.start();
    }

    /** Takes no more lines, writes those queued (waiting at most 5 s for a stuck output). */
    @Override
    public void stop() {
        super.stop();
        stopping = true;
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // the message, the MDC and the thread's name, as they are now
        if (!queue.offer(event)) {
            DROPPED.incrementAndGet();
        }
    }

    private void write() {
        try {
            while (true) {
                ILoggingEvent event = queue.poll();
                if (event != null) {
                    out.write(encoder.encode(event));
                } else {
                    out.flush();
                    warnOfDrops();
                    if (stopping) {
                        return;
                    }
                    Thread.sleep(IDLE);
                }
            }
        } catch (IOException | InterruptedException e) {
            addError("The log cannot write to its output any more", e); // further lines fill the queue, then count
        }
    }

    /** @return lines dropped since the start */
    static long dropped() {
        return DROPPED.get();
    }

    /** Registers the counter {@code books.log.dropped} ({@code books_log_dropped_total} in Prometheus format). */
    public static void register(MeterRegistry registry) {
        registry.getOrCreate(FunctionalCounter.builder("books.log.dropped", DROPPED, AtomicLong::get)
                .description("Log lines dropped because standard output did not keep up"));
    }

    /** When the queue has drained and no line was dropped since it was last empty: how many were dropped. */
    private void warnOfDrops() {
        long total = DROPPED.get();
        if (total != reported && total == seen) {
            LOGGER.warn(
                    "{} log lines were dropped ({} since the start): standard output did not keep up",
                    total - reported,
                    total);
            reported = total;
        }
        seen = total;
    }
}

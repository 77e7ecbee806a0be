package dev.books.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's queue (logback's {@link AsyncAppender}): a request only puts its lines here and one thread writes them.
 * When standard output does not keep up (a slow or stuck reader) and the queue is full, a line is dropped and
 * counted instead of making its request wait, so memory stays bounded; once the queue has room again one warning
 * says how many. Stopping the log writes what is queued.
 */
public final class LogQueue extends AsyncAppender {
    private static final Logger LOGGER = LoggerFactory.getLogger(LogQueue.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final AtomicLong DROPPED = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private final AtomicBoolean dropping = new AtomicBoolean();

    LogQueue(int size) {
        setQueueSize(size);
        setNeverBlock(true);
        // Logback asks isDiscardable only when fewer places than this are free: when the queue is full. A line that
        // loses a race for the last free place is dropped uncounted.
        setDiscardingThreshold(1);
    }

    /** Every line is dropped when the queue is full, whatever its level (logback's default keeps WARN and ERROR). */
    @Override
    protected boolean isDiscardable(ILoggingEvent event) {
        DROPPED.incrementAndGet();
        if (dropping.compareAndSet(false, true)) {
            Thread.ofVirtual().name("log-dropped-lines").start(this::warnWhenDrained);
        }
        return true;
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

    /** Waits until a second passes without drops and the queue is at most half full, then says how many. */
    private void warnWhenDrained() {
        try {
            long seen;
            do {
                seen = DROPPED.get();
                Thread.sleep(POLL);
            } while (DROPPED.get() != seen || getRemainingCapacity() * 2 < getQueueSize());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dropping.set(false);
        long total = DROPPED.get();
        LOGGER.warn(
                "{} log lines were dropped ({} since the start): standard output did not keep up",
                total - reported.getAndSet(total),
                total);
    }
}

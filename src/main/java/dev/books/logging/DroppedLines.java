package dev.books.logging;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.async.AsyncLoggerContext;
import org.apache.logging.log4j.core.async.AsyncQueueFullPolicy;
import org.apache.logging.log4j.core.async.EventRoute;
import org.apache.logging.log4j.core.jmx.RingBufferAdmin;

/**
 * What the log does when its queue is full because standard output does not keep up (a slow or stuck reader): it
 * drops the line and counts it, so that no request waits on the log and memory stays bounded. Once the queue has
 * room again it logs one warning with the number of lines dropped. Log4j2 creates it: log4j2.component.properties
 * names it, and the queue is the ring buffer of Log4j2's async loggers (made the default there).
 */
public final class DroppedLines implements AsyncQueueFullPolicy {
    private static final System.Logger LOGGER = System.getLogger(DroppedLines.class.getName());
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final AtomicLong REPORTED = new AtomicLong();
    private static final AtomicBoolean DROPPING = new AtomicBoolean();

    /** Created by Log4j2. */
    public DroppedLines() {}

    @Override
    public EventRoute getRoute(long backgroundThreadId, org.apache.logging.log4j.Level level) {
        DROPPED.incrementAndGet();
        if (DROPPING.compareAndSet(false, true)) {
            Thread.ofVirtual().name("log-dropped-lines").start(DroppedLines::warnWhenDrained);
        }
        return EventRoute.DISCARD;
    }

    /** @return lines dropped since the start */
    public static long count() {
        return DROPPED.get();
    }

    /** Registers the counter {@code books.log.dropped} ({@code books_log_dropped_total} in Prometheus format). */
    public static void register(MeterRegistry registry) {
        registry.getOrCreate(FunctionalCounter.builder("books.log.dropped", DROPPED, AtomicLong::get)
                .description("Log lines dropped because standard output did not keep up"));
    }

    /** Waits until a second passes without drops and the queue is at most half full, then says how many. */
    private static void warnWhenDrained() {
        try {
            long seen;
            do {
                seen = DROPPED.get();
                Thread.sleep(POLL);
            } while (DROPPED.get() != seen || !queueHasRoom());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DROPPING.set(false);
        long total = DROPPED.get();
        LOGGER.log(
                Level.WARNING,
                "{0,number,#} log lines were dropped ({1,number,#} since the start): standard output did not keep up",
                total - REPORTED.getAndSet(total),
                total);
    }

    private static boolean queueHasRoom() {
        if (!(LoggerContext.getContext(false) instanceof AsyncLoggerContext context)) {
            return true;
        }
        RingBufferAdmin buffer = context.createRingBufferAdmin();
        return buffer.getRemainingCapacity() * 2 >= buffer.getBufferSize();
    }
}

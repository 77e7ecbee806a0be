package dev.books.logging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

class LogQueueTest {
    private final LoggerContext context = new LoggerContext();

    @Test
    @Timeout(10) // a caller that waits for the stuck output fails the test instead of hanging it
    void aFullQueueDropsAndCountsLinesOfAnyLevelWithoutWaiting() {
        StuckOutput out = new StuckOutput();
        LogQueue queue = queue(4, out);
        long before = LogQueue.dropped();

        for (int i = 0; i < 20; i++) {
            logger(queue).error("line {}", i);
        }
        out.unstick.countDown();
        queue.stop();

        // Every line is written or counted as dropped; the writer holds at most one line while it is stuck, the queue
        // four, so at least 15 are dropped.
        long dropped = LogQueue.dropped() - before;
        assertThat(out.lines() + dropped, is(20L));
        assertThat(dropped, greaterThanOrEqualTo(15L));
    }

    @Test
    @Timeout(10)
    void stoppingWritesWhatIsQueued() {
        StuckOutput out = new StuckOutput();
        out.unstick.countDown();
        LogQueue queue = queue(16, out);

        for (int i = 0; i < 5; i++) {
            logger(queue).info("line {}", i);
        }
        queue.stop();

        assertThat(out.toString(StandardCharsets.UTF_8), is("line 0\nline 1\nline 2\nline 3\nline 4\n"));
    }

    private LogQueue queue(int size, StuckOutput out) {
        context.setMDCAdapter(new LogbackMDCAdapter()); // as SLF4J gives the service's context
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        LogQueue queue = new LogQueue(size, encoder, out);
        queue.setContext(context);
        queue.start();
        return queue;
    }

    private Logger logger(LogQueue queue) {
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        if (!logger.isAttached(queue)) {
            logger.addAppender(queue);
        }
        return logger;
    }

    /** Standard output whose reader has stopped reading: a write waits until {@link #unstick} is counted down. */
    private static final class StuckOutput extends ByteArrayOutputStream {
        final CountDownLatch unstick = new CountDownLatch(1);

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            try {
                unstick.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.write(bytes, offset, length);
        }

        long lines() {
            return toString(StandardCharsets.UTF_8).lines().count();
        }
    }
}

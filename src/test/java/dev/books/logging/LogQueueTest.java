package dev.books.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

class LogQueueTest {
    private final LoggerContext context = new LoggerContext();
    private final List<String> written = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(10) // a caller that waits for the stuck output fails the test instead of hanging it
    void aFullQueueDropsAndCountsLinesOfAnyLevelWithoutWaiting() throws InterruptedException {
        CountDownLatch stuck = new CountDownLatch(1);
        LogQueue queue = queue(4, stuck);
        Logger logger = logger(queue);
        long before = LogQueue.dropped();

        for (int i = 0; i < 20; i++) {
            logger.error("line {}", i);
        }

        stuck.countDown();
        queue.stop();

        // Every line is either written or counted as dropped; the writer takes at most 1 + 4 lines out of the queue
        // before it sticks, so at most 9 are written.
        long dropped = LogQueue.dropped() - before;
        assertThat(written.size() + dropped, is(20L));
        assertThat(dropped, greaterThanOrEqualTo(11L));
    }

    @Test
    @Timeout(10)
    void stoppingWritesWhatIsQueued() {
        LogQueue queue = queue(16, new CountDownLatch(0));
        Logger logger = logger(queue);

        for (int i = 0; i < 5; i++) {
            logger.info("line {}", i);
        }
        queue.stop();

        assertThat(written, contains("line 0", "line 1", "line 2", "line 3", "line 4"));
    }

    /** A queue in front of an output that writes only once {@code output} is counted down. */
    private LogQueue queue(int size, CountDownLatch output) {
        context.setMDCAdapter(new LogbackMDCAdapter()); // as SLF4J gives the service's context
        AppenderBase<ILoggingEvent> out = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                try {
                    output.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.add(event.getFormattedMessage());
            }
        };
        out.setContext(context);
        out.start();
        LogQueue queue = new LogQueue(size);
        queue.setContext(context);
        queue.addAppender(out);
        queue.start();
        return queue;
    }

    private Logger logger(LogQueue queue) {
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.addAppender(queue);
        return logger;
    }
}

package dev.books.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.async.EventRoute;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class DroppedLinesTest {
    @Test
    void aFullQueueDropsTheLineAndCountsIt() {
        long before = DroppedLines.count();

        EventRoute route = new DroppedLines().getRoute(Thread.currentThread().threadId(), Level.ERROR);

        // Whatever the level: waiting for a stuck standard output would stop the request.
        assertThat(route, is(EventRoute.DISCARD));
        assertThat(DroppedLines.count(), is(before + 1));
    }
}

package dev.books.logging;

import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

class ConsoleLogHandlerTest {
    private final ConsoleLogHandler handler = new ConsoleLogHandler();

    @Test
    void keepsLevelMessageExceptionAndRequestId() {
        IllegalStateException thrown = new IllegalStateException("boom");
        LogRecord record = record(Level.SEVERE, "dev.books.db.Database", "failed: {0}", thrown);
        record.setParameters(new Object[] {"select"});

        LogEntry.Message entry = handler.entry(record, "req-1");

        assertThat(entry.level(), is("SEVERE"));
        assertThat(entry.logger(), is("dev.books.db.Database"));
        assertThat(entry.message(), is("failed: select"));
        assertThat(entry.thrown(), sameInstance(thrown));
        assertThat(entry.requestId(), is("req-1"));
    }

    @Test
    void connectionRejectedByTheClosingListenerIsInfoWithoutStackTrace() {
        LogRecord record = record(
                Level.SEVERE,
                ConsoleLogHandler.LISTENER_LOGGER,
                "Executor rejected handler for new connection",
                new RejectedExecutionException("shut down"));

        LogEntry.Message entry = handler.entry(record, null);

        assertThat(entry.level(), is("INFO"));
        assertThat(entry.message(), is(ConsoleLogHandler.CLOSED_UNREAD));
        assertThat(entry.thrown(), nullValue());
    }

    @Test
    void otherListenerErrorsStaySevere() {
        IllegalStateException thrown = new IllegalStateException("broken");
        LogRecord record = record(Level.SEVERE, ConsoleLogHandler.LISTENER_LOGGER, "listener failed", thrown);

        LogEntry.Message entry = handler.entry(record, null);

        assertThat(entry.level(), is("SEVERE"));
        assertThat(entry.thrown(), sameInstance(thrown));
    }

    private static LogRecord record(Level level, String logger, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }
}

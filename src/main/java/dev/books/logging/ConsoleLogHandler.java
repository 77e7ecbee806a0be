package dev.books.logging;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import io.helidon.logging.common.HelidonMdc;

/**
 * The java.util.logging handler of the service (logging.properties): hands every record to {@link LogOutput},
 * with the request id of the thread that logged it.
 */
public final class ConsoleLogHandler extends Handler {
    private final SimpleFormatter messages = new SimpleFormatter();

    /** Created by java.util.logging from logging.properties. */
    public ConsoleLogHandler() {}

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        LogOutput.shared()
                .add(new LogEntry.Message(
                        record.getMillis(),
                        record.getLevel().getName(),
                        record.getLoggerName() == null ? "" : record.getLoggerName(),
                        messages.formatMessage(record),
                        record.getThrown(),
                        HelidonMdc.get("requestId").orElse(null)));
    }

    @Override
    public void flush() {
        LogOutput.shared().flush();
    }

    @Override
    public void close() {
        flush();
    }
}

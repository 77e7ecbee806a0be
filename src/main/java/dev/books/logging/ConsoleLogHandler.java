package dev.books.logging;

import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import io.helidon.logging.common.HelidonMdc;

/**
 * The java.util.logging handler of the service (logging.properties): hands every record to {@link LogOutput},
 * with the request id of the thread that logged it.
 */
public final class ConsoleLogHandler extends Handler {
    static final String LISTENER_LOGGER = "io.helidon.webserver.ServerListener";
    static final String CLOSED_UNREAD =
            "A connection accepted while the listener closed was closed unread (helidon-io/helidon#11957)";

    private final SimpleFormatter messages = new SimpleFormatter();

    /** Created by java.util.logging from logging.properties. */
    public ConsoleLogHandler() {}

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        LogOutput.shared().add(entry(record, HelidonMdc.get("requestId").orElse(null)));
    }

    LogEntry.Message entry(LogRecord record, String requestId) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (acceptedWhileClosing(logger, record)) {
            // Helidon 4.5 can accept a connection just before its listener closes and then finds the connection
            // executor shut down: it closes the socket unread, which a client sees like a refused connection.
            // That is the expected end of such a connection, not an error of the service.
            return new LogEntry.Message(
                    record.getMillis(), Level.INFO.getName(), logger, CLOSED_UNREAD, null, requestId);
        }
        return new LogEntry.Message(
                record.getMillis(),
                record.getLevel().getName(),
                logger,
                messages.formatMessage(record),
                record.getThrown(),
                requestId);
    }

    private static boolean acceptedWhileClosing(String logger, LogRecord record) {
        return logger.equals(LISTENER_LOGGER) && record.getThrown() instanceof RejectedExecutionException;
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

package dev.books.logging;

/**
 * One line of the log, queued by the caller and formatted by the writer thread of {@link LogOutput}.
 */
public sealed interface LogEntry permits LogEntry.Message, LogEntry.Access {
    /**
     * When it happened.
     *
     * @return epoch milliseconds
     */
    long millis();

    /**
     * Id of the request it belongs to.
     *
     * @return request id, or {@code null} outside a request
     */
    String requestId();

    /**
     * A message of a logger.
     *
     * @param millis    epoch milliseconds
     * @param level     level name (INFO, WARNING, SEVERE, ...)
     * @param logger    logger name
     * @param message   formatted message
     * @param thrown    exception logged with it, or {@code null}
     * @param requestId request id, or {@code null}
     */
    record Message(long millis, String level, String logger, String message, Throwable thrown, String requestId)
            implements LogEntry {}

    /**
     * One request of the access log, on the logger {@code dev.books.access} at INFO.
     *
     * @param millis    epoch milliseconds when it ended
     * @param method    request method
     * @param path      raw request path
     * @param status    response status code
     * @param micros    time taken in microseconds
     * @param requestId request id
     */
    record Access(long millis, String method, String path, int status, long micros, String requestId)
            implements LogEntry {}
}

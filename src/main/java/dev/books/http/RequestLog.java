package dev.books.http;

import java.lang.System.Logger.Level;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.books.logging.LogEntry;
import dev.books.logging.LogFormat;
import dev.books.logging.LogOutput;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.logging.common.HelidonMdc;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Gives every request an id and writes the access log.
 *
 * <p>The id is the client's {@code X-Request-Id} when it is a safe token, else a new UUID; it is echoed in the
 * response and put in the logging context as {@code requestId}, so every log line written while the request is
 * handled carries it. The access log is one line per request on the logger {@code dev.books.access}; its level
 * there (logging.properties) still turns it off.
 */
public final class RequestLog implements Filter {
    /** Request and response header carrying the request id. */
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private static final System.Logger ACCESS = System.getLogger(LogFormat.ACCESS_LOGGER);
    private static final int MAX_ID_LENGTH = 128;

    private final boolean accessLog;

    /**
     * Creates the filter.
     *
     * @param accessLog whether to write the access log (the request id is always handled)
     */
    public RequestLog(boolean accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(REQUEST_ID).filter(RequestLog::isSafe).orElseGet(RequestLog::newId);
        res.header(REQUEST_ID, id);
        HelidonMdc.set("requestId", id);
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            if (accessLog && ACCESS.isLoggable(Level.INFO)) {
                // Queued as values; the log's writer thread formats and writes it (LogOutput).
                LogOutput.shared()
                        .add(new LogEntry.Access(
                                System.currentTimeMillis(),
                                req.prologue().method().text(),
                                req.path().absolute().rawPath(),
                                res.status().code(),
                                (System.nanoTime() - started) / 1000,
                                id));
            }
            HelidonMdc.remove("requestId");
        }
    }

    /**
     * A random version 4 UUID from {@link ThreadLocalRandom}: request ids need to be unique, not unguessable, and
     * {@link UUID#randomUUID()} takes a lock on the shared SecureRandom for every request.
     *
     * @return a new id
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** Only letters, digits, '.', '_' and '-': safe in logs and headers (no injection of lines or fields). */
    static boolean isSafe(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

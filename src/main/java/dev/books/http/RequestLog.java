package dev.books.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request an id and writes the access log.
 *
 * <p>The id is the client's {@code X-Request-Id} when it is a safe token, else a new UUID; it is echoed in the
 * response and put in the logging context as {@code http.request.id}, so every log line written while the request is
 * handled carries it. The access log is one line per request on the logger {@code dev.books.access}, with its ECS
 * fields ({@code http.request.method}, {@code url.path}, {@code http.response.status_code}, {@code event.duration}
 * in nanoseconds) as key-value pairs and as message {@code GET /books/1 200 0.812ms}. Why not Helidon's access log:
 * docs/design.md.
 */
public final class RequestLog implements Filter {
    /** Request and response header carrying the request id. */
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    /** The logging context key of the request id (its ECS field name). */
    public static final String ID_KEY = "http.request.id";

    private static final Logger ACCESS = LoggerFactory.getLogger("dev.books.access");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final boolean accessLog;

    /** The request id is always handled; the access log only when {@code accessLog}. */
    public RequestLog(boolean accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(REQUEST_ID).filter(RequestLog::isSafe).orElseGet(RequestLog::newId);
        res.header(REQUEST_ID, id);
        MDC.put(ID_KEY, id);
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            if (accessLog && ACCESS.isInfoEnabled()) {
                long nanos = System.nanoTime() - started;
                String method = req.prologue().method().text();
                String path = req.path().absolute().rawPath();
                int status = res.status().code();
                ACCESS.atInfo()
                        .addKeyValue("http.request.method", method)
                        .addKeyValue("url.path", path)
                        .addKeyValue("http.response.status_code", status)
                        .addKeyValue("event.duration", nanos)
                        .log(message(method, path, status, nanos));
            }
            MDC.remove(ID_KEY);
        }
    }

    /**
     * A random version 4 UUID from {@link ThreadLocalRandom}: request ids need to be unique, not unguessable, and
     * {@link UUID#randomUUID()} takes a lock on the shared SecureRandom for every request.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** Only letters, digits, '.', '_' and '-': safe in logs and headers (no injection of lines or fields). */
    static boolean isSafe(String id) {
        return SAFE_ID.matcher(id).matches();
    }

    /** The access line's message: {@code GET /books/1 200 0.812ms}. */
    static String message(String method, String path, int status, long nanos) {
        long micros = nanos / 1000;
        return method + ' ' + path + ' ' + status + ' ' + micros / 1000 + '.'
                + Long.toString(1000 + micros % 1000).substring(1) + "ms";
    }
}

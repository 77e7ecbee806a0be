package dev.books.http;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Request count and latency per route and status: the timer {@code http.server.requests} with the tags
 * {@code method}, {@code route} (the route template such as {@code /books/{id}}, never the raw path, so the
 * number of series stays bounded) and {@code status}. Any method outside the standard ones counts as {@code OTHER}:
 * a client may send any token as a method, and each would otherwise add series without limit.
 */
public final class HttpMetrics implements Filter {
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String method = req.prologue().method().text();
            method = METHODS.contains(method) ? method : "OTHER";
            String route = route(req.matchingPattern().orElse("UNMATCHED"));
            String status = Integer.toString(res.status().code());
            timer(method, route, status).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** "/books/" (the root of the books service) reads as "/books", as clients write it. */
    private static String route(String pattern) {
        return pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    private Timer timer(String method, String route, String status) {
        return timers.computeIfAbsent(
                method + ' ' + route + ' ' + status,
                key -> registry.getOrCreate(Timer.builder("http.server.requests")
                        .description("HTTP requests by method, route template and status")
                        .tags(List.of(
                                Tag.create("method", method),
                                Tag.create("route", route),
                                Tag.create("status", status)))));
    }
}

package dev.books.db;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;

/**
 * Gauges of the connection pool: {@code db.pool.active}, {@code db.pool.idle}, {@code db.pool.pending} (requests
 * waiting for a connection), {@code db.pool.total} and {@code db.pool.max}.
 */
public final class PoolMetrics {
    private PoolMetrics() {}

    /** Registers the gauges of the database's pool and the gate in front of it. */
    public static void register(MeterRegistry registry, Database database) {
        HikariDataSource dataSource = database.dataSource();
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        gauge(registry, "db.pool.active", "Connections in use", pool::getActiveConnections);
        gauge(registry, "db.pool.idle", "Idle connections", pool::getIdleConnections);
        gauge(registry, "db.pool.pending", "Requests waiting for a connection", database::waitingForConnection);
        gauge(registry, "db.pool.total", "Open connections", pool::getTotalConnections);
        gauge(registry, "db.pool.max", "Maximum pool size", dataSource::getMaximumPoolSize);
    }

    private static void gauge(
            MeterRegistry registry, String name, String description, java.util.function.Supplier<Integer> value) {
        registry.getOrCreate(Gauge.builder(name, value).description(description));
    }
}

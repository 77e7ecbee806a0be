package dev.books.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.health.HealthCheckResponse;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;

/**
 * The service's database: a HikariCP pool behind Helidon DbClient, with the schema migrated by {@link Migrations}.
 * The service starts even when the database cannot be reached: readiness stays DOWN and book requests get 503
 * until the migrations succeed.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Database.class.getName());
    /** The pool's own wait for a connection (HikariCP's minimum); the rest of the time-out is spent in the gate. */
    private static final Duration POOL_WAIT = Duration.ofMillis(250);

    private final DatabaseConfig config;
    private final HikariDataSource dataSource;
    private final ConnectionGate gate;
    private final DbClient dbClient;
    private final Sql sql;
    private final Migrations migrations;
    private volatile boolean closed;

    private Database(DatabaseConfig config, Config statements) {
        this.config = config;
        this.dataSource = new HikariDataSource(hikariConfig(config));
        // Sql runs its own statements on DbClient's connections (docs/design.md), so DbClient needs no dbType.
        this.dbClient = JdbcClientBuilder.create()
                .connectionPool(() -> {
                    try {
                        return dataSource.getConnection();
                    } catch (SQLException e) {
                        throw new DbClientException("No database connection available", e);
                    }
                })
                .build();
        // Requests wait in the gate, then in the pool only while it replaces connections: in all, the time-out.
        this.gate = new ConnectionGate(
                        config.maxPoolSize(), config.connectionTimeout().minus(POOL_WAIT), config.statementTimeout())
                .start();
        this.sql = new Sql(dbClient, gate, statements.detach().asMap().get());
        this.migrations = new Migrations(config);
    }

    /** Opens the pool; the database is not ready until {@link #migrate()} succeeds. */
    public static Database open(DatabaseConfig config, Config statements) {
        if (config.embedded()) {
            LOGGER.log(
                    Level.WARNING,
                    "No database configured (db.url / DB_URL is empty): using an embedded in-memory "
                            + "H2 database. Data will NOT survive a restart. To keep data, point the service at PostgreSQL, "
                            + "e.g. DB_URL=jdbc:postgresql://localhost:5432/books DB_USERNAME=books DB_PASSWORD_FILE=/path/to/file");
        } else {
            LOGGER.log(Level.INFO, () -> "Using database " + config.safeUrl());
        }
        return new Database(config, statements);
    }

    /** Migrates on a thread that keeps retrying while the database is unreachable; see {@link Migrations#start()}. */
    public CompletableFuture<Void> migrate() {
        return migrations.start();
    }

    /** @return the named statements, run on the pool's connections */
    public Sql sql() {
        return sql;
    }

    /**
     * Registers the gauges of the pool: {@code db.pool.active}, {@code db.pool.idle}, {@code db.pool.pending} (requests
     * waiting for a connection: in the gate, and in the pool while it replaces some), {@code db.pool.total} and
     * {@code db.pool.max}.
     */
    public void registerMetrics(MeterRegistry registry) {
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        gauge(registry, "db.pool.active", "Connections in use", pool::getActiveConnections);
        gauge(registry, "db.pool.idle", "Idle connections", pool::getIdleConnections);
        gauge(registry, "db.pool.pending", "Requests waiting for a connection", this::waitingForConnection);
        gauge(registry, "db.pool.total", "Open connections", pool::getTotalConnections);
        gauge(registry, "db.pool.max", "Maximum pool size", dataSource::getMaximumPoolSize);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Supplier<Integer> value) {
        registry.getOrCreate(Gauge.builder(name, value).description(description));
    }

    private int waitingForConnection() {
        return gate.waiting() + dataSource.getHikariPoolMXBean().getThreadsAwaitingConnection();
    }

    /** @return whether the schema is migrated, so that the service can use the database */
    public boolean migrated() {
        return migrations.done();
    }

    /** @return readiness: migrated, and a connection is valid within the connection and validation time-outs */
    public HealthCheckResponse check() {
        if (closed || !migrated()) {
            return down(closed ? "closed" : migrations.notDoneReason());
        }
        long started = System.nanoTime();
        try (ConnectionGate.Admission admission = gate.connect(dataSource::getConnection)) {
            Connection connection = admission.connection();
            boolean valid = connection.isValid(
                    (int) Math.max(1, config.validationTimeout().toSeconds()));
            return HealthCheckResponse.builder()
                    .status(valid)
                    .detail("database", connection.getMetaData().getDatabaseProductName())
                    .detail("responseMillis", (System.nanoTime() - started) / 1_000_000)
                    .build();
        } catch (SQLException | RuntimeException e) {
            return down(DatabaseErrors.describe(e));
        }
    }

    private static HealthCheckResponse down(String reason) {
        return HealthCheckResponse.builder()
                .status(false)
                .detail("reason", reason)
                .build();
    }

    @Override
    public void close() {
        closed = true;
        migrations.stop();
        dbClient.close();
        dataSource.close();
        gate.close();
    }

    private static HikariConfig hikariConfig(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("books");
        hikari.setJdbcUrl(config.url());
        if (!config.username().isEmpty()) {
            hikari.setUsername(config.username());
        }
        if (!config.password().isEmpty()) {
            hikari.setPassword(config.password());
        }
        // A fixed-size pool, as HikariCP recommends: no connection churn under bursts.
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(config.maxPoolSize());
        hikari.setConnectionTimeout(POOL_WAIT.toMillis());
        hikari.setValidationTimeout(config.validationTimeout().toMillis());
        hikari.setMaxLifetime(config.maxLifetime().toMillis());
        // Start without a database; requests and readiness report the outage instead of the process dying.
        hikari.setInitializationFailTimeout(-1);
        config.driverProperties().forEach(hikari::addDataSourceProperty);
        return hikari;
    }
}

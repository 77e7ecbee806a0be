package dev.books.db;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.flywaydb.core.Flyway;

/**
 * The schema, migrated by Flyway on a thread of its own. While the database is unreachable (as under Docker Swarm
 * or Kubernetes, where nothing orders start-up) the thread keeps retrying and the service stays not ready.
 */
final class Migrations {
    private static final System.Logger LOGGER = System.getLogger(Migrations.class.getName());
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(10);

    private final Flyway flyway;
    private volatile boolean done;
    private volatile boolean stopped;
    private volatile String notDoneReason = "migrations have not run yet";

    Migrations(DatabaseConfig config) {
        // Shared migrations, plus those of each database's own dialect (the trigram index on PostgreSQL). Flyway
        // opens its own two connections: the pool's short wait is for requests, which queue in the ConnectionGate.
        this.flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(config.url(), blankToNull(config.username()), blankToNull(config.password()))
                .jdbcProperties(config.driverProperties())
                .locations(
                        "classpath:db/migration/common",
                        "classpath:db/migration/" + (config.postgres() ? "postgresql" : "h2"))
                .placeholders(Map.of("sample_data", Boolean.toString(config.sampleData())))
                .load();
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    /** Completes after the first attempt; exceptionally with an {@link IllegalStateException} if one is broken. */
    CompletableFuture<Void> start() {
        CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
        Thread.ofPlatform().name("books-migrations").daemon().start(() -> {
            try {
                boolean migrated = tryMigrate();
                firstAttempt.complete(null);
                if (!migrated) {
                    retry();
                }
            } catch (IllegalStateException e) {
                firstAttempt.completeExceptionally(e);
            }
        });
        return firstAttempt;
    }

    boolean done() {
        return done;
    }

    String notDoneReason() {
        return notDoneReason;
    }

    void stop() {
        stopped = true;
    }

    private boolean tryMigrate() {
        try {
            flyway.migrate();
            done = true;
            LOGGER.log(Level.INFO, "Database schema is up to date");
            return true;
        } catch (RuntimeException e) {
            if (!DatabaseErrors.isUnavailable(e)) {
                throw new IllegalStateException("Database migration failed: " + DatabaseErrors.describe(e), e);
            }
            notDoneReason = DatabaseErrors.describe(e);
            LOGGER.log(
                    Level.WARNING,
                    "Database not reachable, will retry (readiness is DOWN until then): " + notDoneReason);
            return false;
        }
    }

    private void retry() {
        Duration delay = Duration.ofSeconds(1);
        while (!stopped) {
            try {
                Thread.sleep(delay);
                if (stopped || tryMigrate()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IllegalStateException e) {
                // A broken migration cannot heal by waiting: say so loudly, stay not ready.
                notDoneReason = e.getMessage();
                LOGGER.log(Level.ERROR, e.getMessage(), e);
                return;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay.multipliedBy(2);
        }
    }
}

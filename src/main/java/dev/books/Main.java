package dev.books;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.books.auth.WriteProtection;
import dev.books.book.BookService;
import dev.books.book.BookSettings;
import dev.books.book.BookStatements;
import dev.books.db.Database;
import dev.books.db.DatabaseConfig;
import dev.books.db.Sql;
import dev.books.http.ErrorHandling;
import dev.books.http.HttpMetrics;
import dev.books.http.RequestLog;
import dev.books.idempotency.IdempotentCreation;
import dev.books.logging.LogQueue;
import dev.books.logging.LogSetup;
import dev.books.openapi.SwaggerUi;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.service.registry.GlobalServiceRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts the books service: configuration, database, routing; and stops it cleanly on SIGTERM.
 */
public final class Main {
    static {
        // Before the first logger: java.util.logging (pgjdbc) to SLF4J, unless JUL is configured by a file of its
        // own (the tests do, to capture its records). System.Logger (Helidon, the service) gets there through
        // slf4j-jdk-platform-logging, and SLF4J to logback (logging.LogSetup).
        if (System.getProperty("java.util.logging.config.file") == null) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        // SLF4J finds its binding once, here, before other threads start: a call from another thread while it binds
        // is replayed with a warning on standard error, a line that is not JSON.
        org.slf4j.LoggerFactory.getILoggerFactory();
    }

    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {}

    /** Starts the service; {@code args} are ignored. */
    public static void main(String[] args) {
        // Start-up overlaps on two cores: the service and metrics registries are created on other threads while
        // this one reads the configuration and opens the pool; whoever needs them later gets the same instances.
        startEarly("books-registry-start", GlobalServiceRegistry::registry);
        Config config = Config.create();
        Services.set(Config.class, config);
        Database database;
        try {
            String format = LogSetup.format();
            if (!format.equals("text") && !format.equals("json")) {
                throw new IllegalStateException(
                        "books.log.format (BOOKS_LOG_FORMAT) must be text or json, not '" + format + "'");
            }
            startEarly("books-metrics-start", () -> Services.get(MeterRegistry.class));
            database = Database.open(
                    DatabaseConfig.create(
                            config.get("db"),
                            config.get("books.sample-data").asBoolean().get()),
                    config.get("db.statements"));
        } catch (IllegalStateException e) {
            cannotStart(e.getMessage(), null); // an unreadable password file
            return;
        }
        // Migrations run while the server is being built; the listener opens only after their first attempt.
        CompletableFuture<Void> migrations = database.migrate();
        AtomicBoolean stopping = new AtomicBoolean();
        // Our shutdown handler stops the server, to order the steps: not-ready, drain, close the pool.
        WebServerConfig.Builder builder =
                WebServer.builder().config(config.get("server")).shutdownHook(false);
        WebServer server;
        IdempotentCreation idempotency;
        try {
            idempotency = setup(builder, config, database, stopping);
            server = builder.build();
            migrations.join();
        } catch (IllegalStateException e) {
            cannotStart(e.getMessage(), database); // unusable write protection settings
            return;
        } catch (CompletionException e) {
            cannotStart(e.getCause().getMessage(), database); // a broken migration
            return;
        }
        server.start();
        if (!server.isRunning()) {
            // Helidon has logged why; do not linger without a listener.
            cannotStart(
                    "the HTTP server did not start (is port "
                            + config.get("server.port").asInt().get() + " in use?)",
                    database);
            return;
        }
        Duration shutdownDelay =
                config.get("books.shutdown-delay").as(Duration.class).get();
        ScheduledExecutorService purger = idempotency.purgeExpiredKeys(database::migrated);
        // Helidon's shutdown hook runs our handler and keeps logging alive until it is done (JDK-8161253).
        io.helidon.Main.addShutdownHandler(() -> {
            purger.shutdownNow();
            stop(server, database, stopping, shutdownDelay);
        });
        LOGGER.log(Level.INFO, "books is up: http://localhost:" + server.port() + "/books");
    }

    /**
     * Adds the service to a server: books API, health and metrics, JSON error answers. Used by {@link #main} and
     * the tests; the caller applies the {@code server} configuration (port, limits, time-outs). {@code stopping}
     * turns readiness DOWN at once; the caller purges the expired idempotency keys returned.
     */
    public static IdempotentCreation setup(
            WebServerConfig.Builder server, Config config, Database database, AtomicBoolean stopping) {
        Config books = config.get("books");
        Sql sql = database.sql().with(BookStatements.all());
        IdempotentCreation idempotency = new IdempotentCreation(
                sql, books.get("idempotency-ttl").as(Duration.class).get());
        BookService bookService = new BookService(sql, idempotency, BookSettings.create(books), database::migrated);
        MeterRegistry registry = Services.get(MeterRegistry.class);
        WriteProtection writeProtection = WriteProtection.create(books.get("auth"), registry);
        database.registerMetrics(registry);
        LogQueue.register(registry);
        HealthObserver health = HealthObserver.builder()
                .details(true)
                .useSystemServices(false)
                .addCheck(database::check, HealthCheckType.READINESS, "db")
                .addCheck(
                        () -> HealthCheckResponse.builder()
                                .status(!stopping.get())
                                .build(),
                        HealthCheckType.READINESS,
                        "accepting-requests")
                .build();
        server.addFeature(ObserveFeature.builder()
                        .addObserver(health)
                        .addObserver(MetricsObserver.create())
                        .build())
                .addFeature(OpenApiFeature.builder().build()) // META-INF/openapi.yaml at /openapi
                .addFeature(SwaggerUi.feature()) // and its Swagger UI at /openapi/ui/
                .directHandlers(ErrorHandling.directHandlers())
                .routing(routing -> {
                    routing.addFilter((chain, req, res) -> {
                                if (stopping.get()) {
                                    // Ask keep-alive clients to reconnect (to another instance) now, rather than
                                    // have their next request meet a closed listener.
                                    res.header(HeaderValues.CONNECTION_CLOSE);
                                }
                                // Helidon's stop may interrupt a request (docs/design.md): answer it all the same.
                                Thread.interrupted();
                                res.beforeSend(Thread::interrupted);
                                chain.proceed();
                            })
                            .addFilter(new RequestLog(
                                    books.get("access-log").asBoolean().get()))
                            .addFilter(new HttpMetrics(registry))
                            // After the access log and metrics, which then show refused requests too.
                            .addFilter(writeProtection)
                            .register("/books", bookService);
                    ErrorHandling.register(routing);
                });
        return idempotency;
    }

    /** Starts work the main thread asks for again later, which then meets (and reports) any failure. */
    private static void startEarly(String name, Runnable work) {
        Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                // Reported by the main thread.
            }
        });
    }

    private static void cannotStart(String reason, Database database) {
        LOGGER.log(Level.ERROR, "Cannot start: " + reason);
        if (database != null) {
            database.close();
        }
        LogSetup.shutdown();
        System.exit(1);
    }

    private static void stop(WebServer server, Database database, AtomicBoolean stopping, Duration delay) {
        LOGGER.log(Level.INFO, "Stopping: readiness is DOWN, finishing in-flight requests");
        stopping.set(true);
        if (delay.isPositive()) {
            // Lets load balancers see readiness DOWN and move traffic before the listener closes.
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.stop();
        database.close();
        LOGGER.log(Level.INFO, "Stopped");
        LogSetup.shutdown(); // writes what is queued
    }
}

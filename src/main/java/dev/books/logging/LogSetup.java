package dev.books.logging;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.List;
import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;
import co.elastic.logging.JsonUtils;
import co.elastic.logging.logback.EcsEncoder;
import io.helidon.logging.common.spi.LoggingProvider;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The log: logback hands each line to one bounded queue ({@link LogQueue}) that writes to standard output, as text, or as
 * ECS JSON when {@link #format()} is {@code json}. Logback finds this class through
 * META-INF/services/ch.qos.logback.classic.spi.Configurator (a file given with {@code -Dlogback.configurationFile}
 * replaces it); Helidon through META-INF/services/io.helidon.logging.common.spi.LoggingProvider, without which it
 * prints that it found no logging. Java rather than logback.xml: docs/design.md.
 */
public final class LogSetup extends ContextAwareBase implements Configurator, LoggingProvider {
    /** Created by the service loaders of logback and Helidon. */
    public LogSetup() {}

    /** @return the log format: {@code books.log.format}, else {@code BOOKS_LOG_FORMAT}, else {@code text} */
    public static String format() {
        String format = System.getProperty("books.log.format", System.getenv("BOOKS_LOG_FORMAT"));
        return format == null ? "text" : format.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Encoder<ILoggingEvent> encoder = format().equals("json") ? new EcsWithFields() : text();
        encoder.setContext(context);
        encoder.start();
        // File descriptor 1 through a buffer of our own (System.out flushes every line): one write per batch.
        LogQueue queue = new LogQueue(
                4096, encoder, new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 32 * 1024));
        queue.setContext(context);
        queue.addFilter(new ExpectedAtShutdown());
        queue.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(queue);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        // Flyway reports each migration, HikariCP its start and stop: not needed.
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        // A broken connection, and a transaction rolled back that never got one, are reported by the service itself
        // (one line per failed request); HikariCP and DbClient would add a stack trace for each.
        context.getLogger("com.zaxxer.hikari.pool.ProxyConnection").setLevel(Level.ERROR);
        context.getLogger("io.helidon.dbclient.jdbc.JdbcStatement").setLevel(Level.ERROR);
        context.getLogger("io.helidon.dbclient.jdbc.TransactionContext").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    @Override
    public void initialization() {}

    @Override
    public void runTime() {}

    /** Writes what is queued, then stops the log: the last step of the service's shutdown. */
    public static void shutdown() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    private static PatternLayoutEncoder text() {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %level %logger [%X{http.request.id}]: %msg%n");
        return text;
    }

    /**
     * Elastic's ECS encoder, plus a line's key-value pairs as top-level fields (numbers stay numbers): the access
     * line's {@code http.request.method}, {@code url.path}, {@code http.response.status_code}, {@code event.duration}.
     */
    static final class EcsWithFields extends EcsEncoder {
        EcsWithFields() {
            setServiceName("books");
        }

        @Override
        protected void addCustomFields(ILoggingEvent event, StringBuilder json) {
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            for (KeyValuePair pair : pairs == null ? List.<KeyValuePair>of() : pairs) {
                json.append('"').append(pair.key).append("\":");
                if (pair.value instanceof Number number) {
                    json.append(number).append(',');
                } else {
                    json.append('"');
                    JsonUtils.quoteAsString(String.valueOf(pair.value), json);
                    json.append("\",");
                }
            }
        }
    }

    /**
     * Helidon 4.5 can accept a connection just before its listener closes, then find the connection executor shut
     * down and close the socket unread (helidon-io/helidon#11957): the expected end of such a connection at
     * shutdown, not an error of the service.
     */
    private static final class ExpectedAtShutdown extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return event.getLoggerName().equals("io.helidon.webserver.ServerListener")
                            && String.valueOf(event.getMessage()).startsWith("Executor rejected handler")
                    ? FilterReply.DENY
                    : FilterReply.NEUTRAL;
        }
    }
}

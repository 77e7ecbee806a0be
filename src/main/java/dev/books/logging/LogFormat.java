package dev.books.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How a log line looks: {@link #TEXT} for people ({@code time level logger [request id]: message}), {@link #JSON}
 * for log pipelines (one object per line). Used only by the writer thread of {@link LogOutput}, which is why the
 * cached time prefix needs no locking.
 */
public enum LogFormat {
    /** {@code 2026-12-01T10:00:00.123 INFO dev.books.access [id]: GET /books/1 200 0.812ms}, local time. */
    TEXT {
        @Override
        void append(StringBuilder line, LogEntry entry) {
            appendLocalTime(line, entry.millis());
            switch (entry) {
                case LogEntry.Message m -> {
                    line.append(' ')
                            .append(m.level())
                            .append(' ')
                            .append(m.logger())
                            .append(" [");
                    appendId(line, m.requestId());
                    line.append("]: ").append(m.message());
                    if (m.thrown() != null) {
                        line.append(System.lineSeparator()).append(stackTrace(m.thrown()));
                    }
                }
                case LogEntry.Access a -> {
                    line.append(" INFO ").append(ACCESS_LOGGER).append(" [");
                    appendId(line, a.requestId());
                    appendAccessMessage(line.append("]: "), a);
                }
            }
            line.append(System.lineSeparator());
        }
    },

    /**
     * {@code {"time":"2026-12-01T10:00:00.123Z","level":"INFO","logger":"dev.books.access","message":"...",
     * "requestId":"...","method":"GET","path":"/books/1","status":200,"durationMs":0.812}}, UTC; a stack trace is
     * one string member {@code stackTrace}.
     */
    JSON {
        @Override
        void append(StringBuilder line, LogEntry entry) {
            line.append("{\"time\":\"");
            line.append(Instant.ofEpochMilli(entry.millis()));
            switch (entry) {
                case LogEntry.Message m -> {
                    line.append("\",\"level\":\"").append(m.level());
                    line.append("\",\"logger\":");
                    quote(line, m.logger());
                    line.append(",\"message\":");
                    quote(line, m.message());
                    if (m.requestId() != null) {
                        line.append(",\"requestId\":");
                        quote(line, m.requestId());
                    }
                    if (m.thrown() != null) {
                        line.append(",\"stackTrace\":");
                        quote(line, stackTrace(m.thrown()));
                    }
                }
                case LogEntry.Access a -> {
                    line.append("\",\"level\":\"INFO\",\"logger\":\"")
                            .append(ACCESS_LOGGER)
                            .append("\",\"message\":");
                    quote(line, appendAccessMessage(new StringBuilder(64), a).toString());
                    line.append(",\"requestId\":");
                    quote(line, a.requestId());
                    line.append(",\"method\":");
                    quote(line, a.method());
                    line.append(",\"path\":");
                    quote(line, a.path());
                    line.append(",\"status\":").append(a.status()).append(",\"durationMs\":");
                    appendMillis(line, a.micros());
                }
            }
            line.append('}').append(System.lineSeparator());
        }
    };

    /** The logger name of access lines. */
    public static final String ACCESS_LOGGER = "dev.books.access";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static long cachedSecond = Long.MIN_VALUE;
    private static String cachedPrefix = "";

    /**
     * Parses the setting {@code books.log.format}.
     *
     * @param name {@code text} or {@code json}, in any case
     * @return the format
     * @throws IllegalStateException for any other value
     */
    public static LogFormat of(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default ->
                throw new IllegalStateException(
                        "books.log.format (BOOKS_LOG_FORMAT) must be text or json, not '" + name + "'");
        };
    }

    /**
     * Appends one line, with its line separator.
     *
     * @param line  where to append
     * @param entry what to write
     */
    abstract void append(StringBuilder line, LogEntry entry);

    private static void appendLocalTime(StringBuilder line, long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedPrefix =
                    SECONDS.format(LocalDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault()));
            cachedSecond = second;
        }
        int ms = Math.floorMod(millis, 1000);
        line.append(cachedPrefix)
                .append('.')
                .append((char) ('0' + ms / 100))
                .append((char) ('0' + ms / 10 % 10))
                .append((char) ('0' + ms % 10));
    }

    /** The message of an access line: {@code GET /books/1 200 0.812ms}. */
    private static StringBuilder appendAccessMessage(StringBuilder line, LogEntry.Access access) {
        line.append(access.method())
                .append(' ')
                .append(access.path())
                .append(' ')
                .append(access.status())
                .append(' ');
        appendMillis(line, access.micros());
        return line.append("ms");
    }

    /** Microseconds as milliseconds with three decimals: 1234 -> 1.234. */
    private static void appendMillis(StringBuilder line, long micros) {
        long fraction = micros % 1000;
        line.append(micros / 1000)
                .append('.')
                .append((char) ('0' + fraction / 100))
                .append((char) ('0' + fraction / 10 % 10))
                .append((char) ('0' + fraction % 10));
    }

    private static void appendId(StringBuilder line, String requestId) {
        if (requestId != null) {
            line.append(requestId);
        }
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        return text.endsWith(System.lineSeparator())
                ? text.substring(0, text.length() - System.lineSeparator().length())
                : text;
    }

    private static void quote(StringBuilder line, String text) {
        line.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}

package dev.books.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * Everything logged in this JVM while it is open, formatted as the console would (message, parameters and stack
 * traces), with the service's own loggers at their finest level so that debug lines are searched too.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final StringBuffer text = new StringBuffer();
    private final SimpleFormatter formatter = new SimpleFormatter();
    // Strong references: JUL forgets the level of a logger nobody holds.
    private final Logger root = Logger.getLogger("");
    private final Logger service = Logger.getLogger("dev.books");
    private final Level previousLevel;

    private LogCapture() {
        setLevel(Level.ALL);
        previousLevel = service.getLevel();
        service.setLevel(Level.ALL);
        root.addHandler(this);
    }

    /**
     * Starts capturing.
     *
     * @return the capture; close it to stop
     */
    static LogCapture start() {
        return new LogCapture();
    }

    @Override
    public void publish(LogRecord record) {
        text.append(formatter.format(record));
    }

    /**
     * What was logged so far.
     *
     * @return log text
     */
    String text() {
        return text.toString();
    }

    /**
     * Asserts that no secret occurs in the log, nor a long part of one.
     *
     * @param secrets tokens
     */
    void assertContainsNone(Collection<String> secrets) {
        String log = text();
        List<String> leaked = new ArrayList<>();
        for (String secret : secrets) {
            // A JWT's header (first part) is not secret and repeats across tokens: look for its signature part,
            // and for any token as a whole.
            String[] parts = secret.split("\\.");
            String signature = parts[parts.length - 1];
            if (log.contains(secret) || (signature.length() >= 16 && log.contains(signature))) {
                leaked.add(secret.substring(0, Math.min(8, secret.length())) + "...");
            }
        }
        assertThat("tokens found in the log (first characters shown)", leaked, is(empty()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        root.removeHandler(this);
        service.setLevel(previousLevel);
    }
}

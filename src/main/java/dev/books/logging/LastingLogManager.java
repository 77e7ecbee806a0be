package dev.books.logging;

import java.util.logging.LogManager;

/**
 * A {@link LogManager} that keeps its handlers until the JVM is gone.
 *
 * <p>The JDK's own shutdown hook resets logging (closing every handler) in parallel with the application's
 * shutdown hooks, so the last lines of a graceful shutdown ("Stopping", "Stopped", the access log of requests
 * finishing meanwhile) were sometimes lost (JDK-8161253). Only the first reset, done while the configuration is
 * read at start-up, is carried out. The service flushes {@link LogOutput} as the last step of its shutdown.
 * {@code dev.books.Main} selects it with {@code java.util.logging.manager} before anything logs.
 */
public final class LastingLogManager extends LogManager {
    private volatile boolean configured;

    /** Created by {@link LogManager} itself. */
    public LastingLogManager() {}

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }

    @Override
    public void readConfiguration(java.io.InputStream ins) throws java.io.IOException {
        super.readConfiguration(ins);
        configured = true;
    }
}

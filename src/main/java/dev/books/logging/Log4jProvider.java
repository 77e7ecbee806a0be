package dev.books.logging;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is set up (Log4j2 configures itself from log4j2.xml); without a provider Helidon
 * prints "There is no Helidon logging implementation on classpath". Found through
 * META-INF/services/io.helidon.logging.common.spi.LoggingProvider.
 */
public final class Log4jProvider implements LoggingProvider {
    /** Created by Helidon's service loader. */
    public Log4jProvider() {}

    @Override
    public void initialization() {}

    @Override
    public void runTime() {}
}

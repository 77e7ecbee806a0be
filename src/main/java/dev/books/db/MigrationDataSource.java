package dev.books.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The pool as Flyway sees it: the pool's own wait is short (requests wait in the {@link ConnectionGate}) and right
 * after it opens it may have no connection yet, so each of Flyway's two is waited for up to the connection time-out.
 */
final class MigrationDataSource implements DataSource {
    private final HikariDataSource pool;
    private final Duration timeout;

    MigrationDataSource(HikariDataSource pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return pool.getConnection();
            } catch (SQLTransientConnectionException e) {
                // The pool's short wait is over; a closed pool fails at once with another exception.
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("The pool's own credentials are used");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return pool.isWrapperFor(type);
    }
}

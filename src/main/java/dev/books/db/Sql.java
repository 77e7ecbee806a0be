package dev.books.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import org.postgresql.PGStatement;

/**
 * Runs the named statements of {@code db.statements} on connections from the service's {@link DbClient}, and maps
 * their rows with plain JDBC.
 *
 * <p>Why not DbClient's own statements: DbClient builds every row as a map and reads the result set's metadata
 * again for every row and column, which was most of the cost of a page of books (docs/performance.md). Statement
 * text still comes only from configuration, parameters are always bound, and failures are
 * {@link DbClientException}s as before, so error handling does not change.
 *
 * <p>An instance either takes a pooled connection per call (auto-commit), or is bound to one connection for the
 * duration of a {@link #transaction(Work)}.
 */
public final class Sql {
    private final DbClient db;
    private final ConnectionGate gate;
    private final Map<String, String> statements;
    private final Connection transaction;

    /**
     * Creates the runner.
     *
     * @param db         client that hands out pooled connections
     * @param gate       admission to the pool: every call waits its turn here before it takes a connection
     * @param statements statement name to SQL text
     */
    public Sql(DbClient db, ConnectionGate gate, Map<String, String> statements) {
        this(db, gate, Map.copyOf(statements), null);
    }

    private Sql(DbClient db, ConnectionGate gate, Map<String, String> statements, Connection transaction) {
        this.db = db;
        this.gate = gate;
        this.statements = statements;
        this.transaction = transaction;
    }

    /**
     * Reads one row from a row mapper.
     *
     * @param <T>       row type
     * @param statement statement name
     * @param mapper    reads the current row
     * @param params    parameters, bound in order
     * @return the first row, if any
     */
    public <T> Optional<T> one(String statement, RowMapper<T> mapper, Object... params) {
        return run(statement, (connection, sql) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Reads all rows.
     *
     * @param <T>       row type
     * @param statement statement name
     * @param rows      makes the mapper of the result set
     * @param params    parameters, bound in order
     * @return the rows in the order the database returned them
     */
    public <T> List<T> list(String statement, Rows<T> rows, Object... params) {
        return list(statement, false, rows, params);
    }

    /**
     * Reads all rows like {@link #list}, with a plan made for this call's parameter values. Otherwise PostgreSQL may
     * switch a statement that ran five times on a connection to a generic plan, made without the values: for a
     * search pattern that plan walks the whole table whether the pattern is rare or common. On PostgreSQL the
     * statement is sent unnamed (pgjdbc's prepare threshold 0), which the server plans for each execution; other
     * databases run it as {@link #list} does.
     *
     * @param <T>       row type
     * @param statement statement name
     * @param rows      makes the mapper of the result set
     * @param params    parameters, bound in order
     * @return the rows in the order the database returned them
     */
    public <T> List<T> listPlannedPerCall(String statement, Rows<T> rows, Object... params) {
        return list(statement, true, rows, params);
    }

    private <T> List<T> list(String statement, boolean planPerCall, Rows<T> rows, Object... params) {
        return run(statement, (connection, sql) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                if (planPerCall && ps.isWrapperFor(PGStatement.class)) {
                    ps.unwrap(PGStatement.class).setPrepareThreshold(0);
                }
                bind(ps, params);
                List<T> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    RowMapper<T> mapper = rows.mapper(rs);
                    while (rs.next()) {
                        result.add(mapper.map(rs));
                    }
                }
                return result;
            }
        });
    }

    /**
     * Runs an INSERT, UPDATE or DELETE.
     *
     * @param statement statement name
     * @param params    parameters, bound in order
     * @return number of rows changed
     */
    public long update(String statement, Object... params) {
        return run(statement, (connection, sql) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bind(ps, params);
                return (long) ps.executeUpdate();
            }
        });
    }

    /**
     * Runs an INSERT or UPDATE of one row and reads that row back in the same round trip (PostgreSQL appends
     * {@code RETURNING}; H2 returns the changed row as generated keys).
     *
     * @param <T>       row type
     * @param statement statement name
     * @param columns   columns of the changed row the mapper reads
     * @param mapper    reads the row
     * @param params    parameters, bound in order
     * @return the changed row, or empty if the statement changed none
     */
    public <T> Optional<T> change(String statement, List<String> columns, RowMapper<T> mapper, Object... params) {
        String[] names = columns.toArray(String[]::new);
        return run(statement, (connection, sql) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql, names)) {
                bind(ps, params);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty();
                }
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Runs work in one transaction: committed when the work returns, rolled back when it throws.
     *
     * @param <T>  result type
     * @param work statements to run, on the {@code Sql} it is given
     * @return what the work returned
     */
    public <T> T transaction(Work<T> work) {
        if (transaction != null) {
            return work.run(this);
        }
        try (ConnectionGate.Admission admission = gate.connect(this::pooledConnection)) {
            Connection connection = admission.connection();
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.run(new Sql(db, gate, statements, connection));
            } catch (RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
            connection.commit();
            return result;
        } catch (SQLException e) {
            throw new DbClientException("Transaction failed", e);
        }
    }

    private <T> T run(String statement, StatementWork<T> work) {
        String sql = statements.get(statement);
        if (sql == null) {
            throw new IllegalArgumentException("No statement named " + statement + " in db.statements");
        }
        try {
            if (transaction != null) {
                return work.run(transaction, sql);
            }
            try (ConnectionGate.Admission admission = gate.connect(this::pooledConnection)) {
                return work.run(admission.connection(), sql);
            }
        } catch (SQLException e) {
            throw new DbClientException("Statement " + statement + " failed", e);
        }
    }

    private Connection pooledConnection() {
        return db.unwrap(Connection.class);
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private static void rollbackQuietly(Connection connection, RuntimeException cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; the original failure is what matters.
            cause.addSuppressed(e);
        }
    }

    /**
     * Reads the current row of a result set.
     *
     * @param <T> row type
     */
    @FunctionalInterface
    public interface RowMapper<T> {
        /**
         * Maps the current row.
         *
         * @param rs result set on the row
         * @return the row as an object
         * @throws SQLException when a column cannot be read
         */
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Makes the row mapper of one result set, so that a mapper can find its columns by name once per result set
     * rather than once per row.
     *
     * @param <T> row type
     */
    @FunctionalInterface
    public interface Rows<T> {
        /**
         * Makes the mapper.
         *
         * @param rs result set, before its first row
         * @return mapper of its rows
         * @throws SQLException when a column is missing
         */
        RowMapper<T> mapper(ResultSet rs) throws SQLException;
    }

    /**
     * Statements run in one transaction.
     *
     * @param <T> result type
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Runs the statements.
         *
         * @param tx runner bound to the transaction's connection
         * @return the result
         */
        T run(Sql tx);
    }

    @FunctionalInterface
    private interface StatementWork<T> {
        T run(Connection connection, String sql) throws SQLException;
    }
}

package dev.books.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import org.postgresql.PGStatement;

/**
 * Runs named statements ({@code db.statements} of application.yaml, and those a feature adds with {@link #with}) with
 * plain JDBC on the pool's connections: one connection per call (auto-commit), or one for a whole
 * {@link #transaction(Work)}. Failures are {@link DbClientException}s. Why not DbClient's statements: docs/design.md.
 */
public final class Sql {
    private final DbClient db;
    private final ConnectionGate gate;
    private final Map<String, String> statements;
    private final Connection transaction;

    /** Every call waits its turn in the gate before it takes a connection. */
    public Sql(DbClient db, ConnectionGate gate, Map<String, String> statements) {
        this(db, gate, Map.copyOf(statements), null);
    }

    private Sql(DbClient db, ConnectionGate gate, Map<String, String> statements, Connection transaction) {
        this.db = db;
        this.gate = gate;
        this.statements = statements;
        this.transaction = transaction;
    }

    /** @return a runner that also knows {@code more} named statements (a feature's own, such as the books') */
    public Sql with(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(statements);
        all.putAll(more);
        return new Sql(db, gate, Map.copyOf(all), transaction);
    }

    /** @return the first row of a query (a SELECT: it may run twice, see run), if any */
    public <T> Optional<T> one(String statement, RowMapper<T> mapper, Object... params) {
        return run(statement, true, (connection, sql) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** @return all rows of a query (a SELECT, as {@link #one}), in the database's order */
    public <T> List<T> list(String statement, Rows<T> rows, Object... params) {
        return list(statement, false, rows, params);
    }

    /**
     * As {@link #list}, planned for this call's values: a generic plan (which PostgreSQL may switch to after five
     * runs) walks the whole table for any search pattern. Sent unnamed on PostgreSQL (prepare threshold 0).
     */
    public <T> List<T> listPlannedPerCall(String statement, Rows<T> rows, Object... params) {
        return list(statement, true, rows, params);
    }

    private <T> List<T> list(String statement, boolean planPerCall, Rows<T> rows, Object... params) {
        return run(statement, true, (connection, sql) -> {
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

    /** @return the number of rows an INSERT, UPDATE or DELETE changed */
    public long update(String statement, Object... params) {
        return run(statement, false, (connection, sql) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bind(ps, params);
                return (long) ps.executeUpdate();
            }
        });
    }

    /** Runs an INSERT or UPDATE of one row and reads back its {@code columns} (empty if none changed). */
    public <T> Optional<T> change(String statement, List<String> columns, RowMapper<T> mapper, Object... params) {
        String[] names = columns.toArray(String[]::new);
        return run(statement, false, (connection, sql) -> {
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

    /** @return what the work returned, committed; rolled back when it throws */
    public <T> T transaction(Work<T> work) {
        if (transaction != null) {
            return work.run(this);
        }
        try (ConnectionGate.Admission admission = gate.connect(() -> db.unwrap(Connection.class))) {
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

    /** Runs a statement; a {@code query} once more if Helidon's stop broke its connection (docs/design.md). */
    private <T> T run(String statement, boolean query, StatementWork<T> work) {
        String sql = statements.get(statement);
        if (sql == null) {
            throw new IllegalArgumentException("No statement named " + statement);
        }
        try {
            if (transaction != null) {
                return work.run(transaction, sql);
            }
            try (ConnectionGate.Admission admission = gate.connect(() -> db.unwrap(Connection.class))) {
                return work.run(admission.connection(), sql);
            }
        } catch (SQLException e) {
            boolean turnedAway = e instanceof SQLTransientConnectionException; // the gate's time-out: no second wait
            if (query && transaction == null && !turnedAway && Thread.interrupted()) {
                return run(statement, false, work); // safe to repeat, unlike a change (its outcome is unknown)
            }
            throw new DbClientException("Statement " + statement + " failed", e);
        }
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

    /** Reads the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Makes the mapper of one result set, so that it finds its columns once per result set, not once per row. */
    @FunctionalInterface
    public interface Rows<T> {
        RowMapper<T> mapper(ResultSet rs) throws SQLException;
    }

    /** Statements run in one transaction, on the {@code Sql} bound to its connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Sql tx);
    }

    @FunctionalInterface
    private interface StatementWork<T> {
        T run(Connection connection, String sql) throws SQLException;
    }
}

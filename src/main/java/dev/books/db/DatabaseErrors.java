package dev.books.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a database outage (answered with 503, retried by clients) and a violated unique constraint (409) from any
 * other database error (a bug, 500).
 */
public final class DatabaseErrors {
    private static final Pattern UNIQUE_COLUMN = Pattern.compile("Key \\((\\w+)\\)=|ON [\\w.\"]+\\(\"?(\\w+)\"?[ )]");

    private DatabaseErrors() {}

    /** @return whether a failure means the database cannot be reached or refuses work for now (503) */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && isUnavailableState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** @return the column whose unique constraint a failure violated (409), if it is one and names it */
    public static Optional<String> uniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                String message = String.valueOf(sql.getMessage());
                // PostgreSQL: 'Key (isbn)=(...) already exists.'; H2: '... ON PUBLIC.BOOKS(ISBN NULLS FIRST) ...'.
                Matcher column = UNIQUE_COLUMN.matcher(message);
                return column.find()
                        ? Optional.of(
                                (column.group(1) != null ? column.group(1) : column.group(2)).toLowerCase(Locale.ROOT))
                        : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** @return a one-line description of the root cause, for logs */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean isUnavailableState(String state) {
        if (state == null) {
            return false;
        }
        // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now;
        // 53300: too many connections; 28: invalid authorization (wrong password is an operator problem:
        // the service stays up, reports not-ready and answers 503 until it is fixed).
        return state.startsWith("08") || state.startsWith("57P") || state.equals("53300") || state.startsWith("28");
    }
}

package dev.books.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import io.helidon.dbclient.DbClientException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class DatabaseErrorsTest {
    @Test
    void connectionProblemsAreOutages() {
        assertThat(
                DatabaseErrors.isUnavailable(wrapped(new SQLTransientConnectionException("pool timeout"))), is(true));
        assertThat(DatabaseErrors.isUnavailable(wrapped(new SQLException("refused", "08001"))), is(true));
        assertThat(DatabaseErrors.isUnavailable(wrapped(new SQLException("shutting down", "57P01"))), is(true));
        assertThat(DatabaseErrors.isUnavailable(wrapped(new SQLException("bad password", "28P01"))), is(true));
        assertThat(DatabaseErrors.isUnavailable(wrapped(new SQLException("too many", "53300"))), is(true));
    }

    @Test
    void otherDatabaseErrorsAreBugs() {
        assertThat(DatabaseErrors.isUnavailable(wrapped(new SQLException("syntax", "42601"))), is(false));
        assertThat(DatabaseErrors.isUnavailable(wrapped(new SQLException("no state"))), is(false));
        assertThat(DatabaseErrors.isUnavailable(new IllegalStateException("x")), is(false));
    }

    @Test
    void describesTheRootCause() {
        assertThat(DatabaseErrors.describe(wrapped(new SQLException("refused", "08001"))), is("SQLException: refused"));
    }

    private static DbClientException wrapped(Throwable cause) {
        return new DbClientException("statement failed", cause);
    }
}

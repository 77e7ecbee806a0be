package dev.books.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

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
    void uniqueViolationsNameTheirColumnOnBothDatabases() {
        SQLException postgres = new SQLException(
                "ERROR: duplicate key value violates unique constraint \"books_isbn\"\n"
                        + "  Detail: Key (isbn)=(9780441172719) already exists.",
                "23505");
        SQLException h2 = new SQLException(
                "Unique index or primary key violation: \"PUBLIC.BOOKS_ISBN ON PUBLIC.BOOKS(ISBN NULLS FIRST) VALUES "
                        + "( /* 3 */ '9780441172719' )\"; SQL statement: INSERT INTO books ...",
                "23505");

        assertThat(DatabaseErrors.uniqueViolation(wrapped(postgres)), is(Optional.of("isbn")));
        assertThat(DatabaseErrors.uniqueViolation(wrapped(h2)), is(Optional.of("isbn")));
        assertThat(DatabaseErrors.uniqueViolation(wrapped(new SQLException("syntax", "42601"))), is(Optional.empty()));
        assertThat(DatabaseErrors.isUnavailable(wrapped(postgres)), is(false));
    }

    @Test
    void describesTheRootCause() {
        assertThat(DatabaseErrors.describe(wrapped(new SQLException("refused", "08001"))), is("SQLException: refused"));
    }

    private static DbClientException wrapped(Throwable cause) {
        return new DbClientException("statement failed", cause);
    }
}

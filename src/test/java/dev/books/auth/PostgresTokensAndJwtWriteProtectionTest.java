package dev.books.auth;

import dev.books.PostgresTest;
import dev.books.TestDatabase;
import dev.books.auth.TestAuth.Mode;

/**
 * Write protection with a tokens file and JWT access tokens together, on PostgreSQL.
 */
@PostgresTest
class PostgresTokensAndJwtWriteProtectionTest extends WriteProtectionContract {
    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    Mode mode() {
        return Mode.BOTH;
    }
}

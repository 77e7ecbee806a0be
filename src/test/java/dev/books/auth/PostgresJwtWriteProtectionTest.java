package dev.books.auth;

import dev.books.PostgresTest;
import dev.books.TestDatabase;
import dev.books.auth.TestAuth.Mode;

/**
 * Write protection with JWT access tokens, on PostgreSQL.
 */
@PostgresTest
class PostgresJwtWriteProtectionTest extends WriteProtectionContract {
    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    Mode mode() {
        return Mode.JWT;
    }
}

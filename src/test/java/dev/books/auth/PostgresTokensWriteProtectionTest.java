package dev.books.auth;

import dev.books.PostgresTest;
import dev.books.TestDatabase;
import dev.books.auth.TestAuth.Mode;

/**
 * Write protection with the tokens file, on PostgreSQL.
 */
@PostgresTest
class PostgresTokensWriteProtectionTest extends WriteProtectionContract {
    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    Mode mode() {
        return Mode.TOKENS;
    }
}

package dev.books.auth;

import dev.books.TestDatabase;
import dev.books.auth.TestAuth.Mode;

/**
 * Write protection with a tokens file and JWT access tokens together, on H2.
 */
class H2TokensAndJwtWriteProtectionTest extends WriteProtectionContract {
    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    Mode mode() {
        return Mode.BOTH;
    }
}

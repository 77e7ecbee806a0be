package dev.books.auth;

import dev.books.TestDatabase;
import dev.books.auth.TestAuth.Mode;

/**
 * Write protection with JWT access tokens, on H2.
 */
class H2JwtWriteProtectionTest extends WriteProtectionContract {
    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    Mode mode() {
        return Mode.JWT;
    }
}

package dev.books.auth;

import dev.books.PostgresTest;
import dev.books.TestDatabase;
import dev.books.auth.TestAuth.Mode;
import org.junit.jupiter.api.Nested;

/** {@link WriteProtectionContract} in each mode (tokens file, JWT, both) on H2 and on PostgreSQL. */
class WriteProtectionTest {
    @Nested
    class H2Tokens extends WriteProtectionContract {
        H2Tokens() {
            super(TestDatabase::h2, Mode.TOKENS);
        }
    }

    @Nested
    class H2Jwt extends WriteProtectionContract {
        H2Jwt() {
            super(TestDatabase::h2, Mode.JWT);
        }
    }

    @Nested
    class H2TokensAndJwt extends WriteProtectionContract {
        H2TokensAndJwt() {
            super(TestDatabase::h2, Mode.BOTH);
        }
    }

    @Nested
    @PostgresTest
    class PostgresTokens extends WriteProtectionContract {
        PostgresTokens() {
            super(TestDatabase::postgres, Mode.TOKENS);
        }
    }

    @Nested
    @PostgresTest
    class PostgresJwt extends WriteProtectionContract {
        PostgresJwt() {
            super(TestDatabase::postgres, Mode.JWT);
        }
    }

    @Nested
    @PostgresTest
    class PostgresTokensAndJwt extends WriteProtectionContract {
        PostgresTokensAndJwt() {
            super(TestDatabase::postgres, Mode.BOTH);
        }
    }
}

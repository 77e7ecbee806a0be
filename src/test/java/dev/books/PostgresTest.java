package dev.books;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that needs the test PostgreSQL server ({@code BOOKS_TEST_PG_URL}).
 *
 * <p>When it is not configured the class is skipped with a reason, except under CI ({@code CI=true}), where it runs
 * and fails: there the PostgreSQL run is mandatory.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresTest.Condition.class)
public @interface PostgresTest {

    /** Enables the class when PostgreSQL is configured or when running under CI. */
    final class Condition implements ExecutionCondition {
        /**
         * Why PostgreSQL tests are skipped here, if they are: the one rule for JUnit ({@link Condition}) and jqwik.
         *
         * @return the reason to skip, or empty when they run (PostgreSQL configured, or CI, where they are mandatory
         *     and fail without it)
         */
        public static java.util.Optional<String> skipReason() {
            if (TestDatabase.PostgresServer.isConfigured() || "true".equalsIgnoreCase(System.getenv("CI"))) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of("PostgreSQL tests skipped: set BOOKS_TEST_PG_URL (e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/postgres) to run them");
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return skipReason()
                    .map(ConditionEvaluationResult::disabled)
                    .orElseGet(() -> ConditionEvaluationResult.enabled("PostgreSQL configured or CI=true"));
        }
    }
}

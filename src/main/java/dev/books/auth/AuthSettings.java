package dev.books.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;

/**
 * Settings of the write protection, from the {@code books.auth} configuration node. The defaults live here (and
 * are repeated, for the reader, in application.yaml).
 *
 * @param tokensFile   file of static bearer tokens ({@code books.auth.tokens-file}), if any
 * @param jwt          JWT access tokens ({@code books.auth.jwt.*}), if {@code jwks} is set
 * @param protectReads whether reads of {@code /books} need a token too ({@code books.auth.protect-reads})
 */
public record AuthSettings(Optional<String> tokensFile, Optional<JwtSettings> jwt, boolean protectReads) {
    /** Default scope that grants writes. */
    public static final String DEFAULT_WRITE_SCOPE = "books:write";
    /** Default tolerance for clocks that are not in step with the token issuer's. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default age after which the key set is fetched again (keys an issuer withdrew stop being trusted). */
    public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofMinutes(15);
    /** Default least time between two fetches of the key set (a flood of unknown key ids cannot cause more). */
    public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** Default bound of one key set fetch (connect and read). */
    public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Reads the settings.
     *
     * @param auth the {@code books.auth} configuration node
     * @return settings
     * @throws IllegalStateException naming the key when the settings contradict each other
     */
    public static AuthSettings create(Config auth) {
        Optional<String> tokensFile = text(auth.get("tokens-file"));
        Optional<JwtSettings> jwt = text(auth.get("jwt.jwks")).map(jwks -> JwtSettings.create(jwks, auth.get("jwt")));
        boolean protectReads = auth.get("protect-reads").asBoolean().orElse(false);
        if (protectReads && tokensFile.isEmpty() && jwt.isEmpty()) {
            throw new IllegalStateException("books.auth.protect-reads (BOOKS_AUTH_PROTECT_READS) is true, but no "
                    + "credentials are configured: set books.auth.tokens-file (BOOKS_AUTH_TOKENS_FILE) and/or "
                    + "books.auth.jwt.jwks (BOOKS_AUTH_JWT_JWKS)");
        }
        return new AuthSettings(tokensFile, jwt, protectReads);
    }

    /**
     * Whether any credentials are configured, i.e. whether writes are protected.
     *
     * @return {@code true} with a tokens file or JWT settings
     */
    public boolean enabled() {
        return tokensFile.isPresent() || jwt.isPresent();
    }

    private static Optional<String> text(Config node) {
        return node.asString().map(String::strip).filter(s -> !s.isEmpty());
    }

    /**
     * How JWT access tokens are verified.
     *
     * @param jwks               where the issuer's public keys are: an {@code https://} or {@code http://} URL, or a
     *                           file path
     * @param issuer             the required {@code iss}
     * @param audience           a value {@code aud} must contain
     * @param writeScope         the scope (in {@code scope} or {@code scp}) that grants writes
     * @param clockSkew          tolerance applied to {@code exp} and {@code nbf}
     * @param jwksMaxAge         the key set is fetched again when it is older than this
     * @param jwksMinRefreshInterval least time between two fetches
     * @param jwksTimeout        bound of one fetch
     */
    public record JwtSettings(
            String jwks,
            String issuer,
            String audience,
            String writeScope,
            Duration clockSkew,
            Duration jwksMaxAge,
            Duration jwksMinRefreshInterval,
            Duration jwksTimeout) {

        static JwtSettings create(String jwks, Config jwt) {
            String issuer = required(jwt, "issuer");
            String audience = required(jwt, "audience");
            String writeScope = text(jwt.get("write-scope")).orElse(DEFAULT_WRITE_SCOPE);
            if (writeScope.contains(" ")) {
                throw new IllegalStateException(
                        "books.auth.jwt.write-scope must be one scope without spaces: " + writeScope);
            }
            return new JwtSettings(
                    jwks,
                    issuer,
                    audience,
                    writeScope,
                    duration(jwt, "clock-skew", DEFAULT_CLOCK_SKEW),
                    duration(jwt, "jwks-max-age", DEFAULT_JWKS_MAX_AGE),
                    duration(jwt, "jwks-min-refresh-interval", DEFAULT_JWKS_MIN_REFRESH_INTERVAL),
                    duration(jwt, "jwks-timeout", DEFAULT_JWKS_TIMEOUT));
        }

        /**
         * Whether the key set is fetched over HTTP(S) rather than read from a file.
         *
         * @return {@code true} for an {@code http://} or {@code https://} location
         */
        public boolean jwksIsUrl() {
            return jwks.startsWith("https://") || jwks.startsWith("http://");
        }

        // Tokens from any issuer or for any audience would be accepted without these: refuse to start instead.
        private static String required(Config jwt, String key) {
            return text(jwt.get(key))
                    .orElseThrow(() -> new IllegalStateException("books.auth.jwt." + key + " (BOOKS_AUTH_JWT_"
                            + key.toUpperCase(Locale.ROOT) + ") must be set when books.auth.jwt.jwks is"));
        }

        private static Duration duration(Config jwt, String key, Duration fallback) {
            Duration value;
            try {
                value = jwt.get(key).as(Duration.class).orElse(fallback);
            } catch (ConfigException e) {
                throw new IllegalStateException(
                        "books.auth.jwt." + key + " is not an ISO-8601 duration such as PT30S", e);
            }
            if (value.isNegative()) {
                throw new IllegalStateException("books.auth.jwt." + key + " must not be negative: " + value);
            }
            return value;
        }
    }
}

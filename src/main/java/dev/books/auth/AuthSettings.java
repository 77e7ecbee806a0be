package dev.books.auth;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
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
 * @param required     whether the service refuses to start without credentials ({@code books.auth.required})
 */
public record AuthSettings(
        Optional<String> tokensFile, Optional<JwtSettings> jwt, boolean protectReads, boolean required) {
    /** Default scope that grants writes. */
    public static final String DEFAULT_WRITE_SCOPE = "books:write";
    /** Default tolerance for clocks that are not in step with the token issuer's. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default age after which the key set is fetched again (keys an issuer withdrew stop being trusted). */
    public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofMinutes(15);
    /** Default least time between two fetches of the key set (a flood of unknown key ids cannot cause more). */
    public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** Least allowed {@code jwks-min-refresh-interval}: below it, tokens with made-up key ids drive the fetches. */
    public static final Duration LEAST_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);
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
        boolean required = auth.get("required").asBoolean().orElse(false);
        if (required && tokensFile.isEmpty() && jwt.isEmpty()) {
            throw new IllegalStateException("books.auth.required (BOOKS_AUTH_REQUIRED) is true, but no credentials "
                    + "are configured: set BOOKS_AUTH_TOKENS_FILE and/or BOOKS_AUTH_JWT_JWKS");
        }
        if (protectReads && tokensFile.isEmpty() && jwt.isEmpty()) {
            throw new IllegalStateException("books.auth.protect-reads (BOOKS_AUTH_PROTECT_READS) is true, but no "
                    + "credentials are configured: set books.auth.tokens-file (BOOKS_AUTH_TOKENS_FILE) and/or "
                    + "books.auth.jwt.jwks (BOOKS_AUTH_JWT_JWKS)");
        }
        return new AuthSettings(tokensFile, jwt, protectReads, required);
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
     * @param jwks               where the issuer's public keys are: an {@code https://} URL, an {@code http://}
     *                           URL on a loopback host, or a file path
     * @param issuer             the required {@code iss}
     * @param audience           a value {@code aud} must contain
     * @param writeScope         the scope (in {@code scope} or {@code scp}) that grants writes
     * @param clockSkew          tolerance applied to {@code exp} and {@code nbf}
     * @param jwksMaxAge         the key set is fetched again when it is older than this
     * @param jwksMinRefreshInterval least time between two fetches
     * @param jwksTimeout        bound of one fetch
     * @param requireAtJwt       whether tokens must have {@code typ: at+jwt} (RFC 9068)
     */
    public record JwtSettings(
            String jwks,
            String issuer,
            String audience,
            String writeScope,
            Duration clockSkew,
            Duration jwksMaxAge,
            Duration jwksMinRefreshInterval,
            Duration jwksTimeout,
            boolean requireAtJwt) {

        static JwtSettings create(String jwks, Config jwt) {
            String issuer = required(jwt, "issuer");
            String audience = required(jwt, "audience");
            String writeScope = text(jwt.get("write-scope")).orElse(DEFAULT_WRITE_SCOPE);
            if (writeScope.contains(" ")) {
                throw new IllegalStateException(
                        "books.auth.jwt.write-scope must be one scope without spaces: " + writeScope);
            }
            Duration minRefreshInterval = duration(jwt, "jwks-min-refresh-interval", DEFAULT_JWKS_MIN_REFRESH_INTERVAL);
            if (minRefreshInterval.compareTo(LEAST_JWKS_MIN_REFRESH_INTERVAL) < 0) {
                throw new IllegalStateException("books.auth.jwt.jwks-min-refresh-interval must be at least PT1S, "
                        + "or every token with an unknown key id makes the service fetch the key set: "
                        + minRefreshInterval);
            }
            return new JwtSettings(
                    checkedLocation(jwks),
                    issuer,
                    audience,
                    writeScope,
                    duration(jwt, "clock-skew", DEFAULT_CLOCK_SKEW),
                    duration(jwt, "jwks-max-age", DEFAULT_JWKS_MAX_AGE),
                    minRefreshInterval,
                    duration(jwt, "jwks-timeout", DEFAULT_JWKS_TIMEOUT),
                    jwt.get("require-at-jwt").asBoolean().orElse(false));
        }

        /**
         * The key set's location if it can be trusted: whoever can change the keys can mint write tokens, so keys
         * come over TLS, from this host, or from a file.
         */
        static String checkedLocation(String jwks) {
            // Schemes compare in ASCII only ((?i) of a regex), as host names below.
            if (!jwks.matches("[A-Za-z][A-Za-z0-9+.-]+://.*")) {
                return jwks; // a file path (also C:\... on Windows)
            }
            String host;
            try {
                host = new URI(jwks).getHost();
            } catch (URISyntaxException e) {
                host = null;
            }
            if (host != null
                    && (jwks.matches("(?i)https://.*") || (jwks.matches("(?i)http://.*") && isLoopback(host)))) {
                return jwks;
            }
            throw new IllegalStateException("books.auth.jwt.jwks (BOOKS_AUTH_JWT_JWKS) must be an https:// URL "
                    + "(http:// only on localhost or a loopback address) or a file: whoever can change the keys "
                    + "on the way can mint write tokens");
        }

        private static boolean isLoopback(String host) {
            if (host.matches("(?i)localhost")) {
                return true;
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            // Only IP literals are parsed (no name lookup): digits and dots, or an IPv6 address with colons.
            if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                return false;
            }
            try {
                return InetAddress.getByName(literal).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        /**
         * Whether the key set is fetched over HTTP(S) rather than read from a file.
         *
         * @return {@code true} for an {@code http://} or {@code https://} location
         */
        public boolean jwksIsUrl() {
            return jwks.matches("(?i)https?://.*");
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

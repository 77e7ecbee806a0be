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
 * Settings of the write protection, from the {@code books.auth} configuration node (README.md, "Protecting
 * writes"). Their defaults are in application.yaml only.
 */
public record AuthSettings(
        Optional<String> tokensFile, Optional<JwtSettings> jwt, boolean protectReads, boolean required) {
    /** Throws {@link IllegalStateException} naming the key when the settings contradict each other. */
    public static AuthSettings create(Config auth) {
        Optional<String> tokensFile = text(auth.get("tokens-file"));
        Optional<JwtSettings> jwt = text(auth.get("jwt.jwks")).map(jwks -> JwtSettings.create(jwks, auth.get("jwt")));
        boolean protectReads = auth.get("protect-reads").asBoolean().get();
        boolean required = auth.get("required").asBoolean().get();
        String demanding = required
                ? "books.auth.required (BOOKS_AUTH_REQUIRED)"
                : protectReads ? "books.auth.protect-reads (BOOKS_AUTH_PROTECT_READS)" : null;
        if (demanding != null && tokensFile.isEmpty() && jwt.isEmpty()) {
            throw new IllegalStateException(
                    demanding + " is true, but no credentials are configured: set "
                            + "books.auth.tokens-file (BOOKS_AUTH_TOKENS_FILE) and/or books.auth.jwt.jwks (BOOKS_AUTH_JWT_JWKS)");
        }
        return new AuthSettings(tokensFile, jwt, protectReads, required);
    }

    /** Whether any credentials are configured, i.e. whether writes are protected. */
    public boolean enabled() {
        return tokensFile.isPresent() || jwt.isPresent();
    }

    private static Optional<String> text(Config node) {
        return node.asString().map(String::strip).filter(s -> !s.isEmpty());
    }

    /**
     * How JWT access tokens are verified ({@code books.auth.jwt}).
     *
     * @param jwks     the issuer's public keys: an {@code https://} URL, {@code http://} on a loopback host, or a file
     * @param audience a value {@code aud} must contain
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
            String writeScope = required(jwt, "write-scope");
            if (writeScope.contains(" ")) {
                throw new IllegalStateException(
                        "books.auth.jwt.write-scope must be one scope without spaces: " + writeScope);
            }
            Duration minRefreshInterval = duration(jwt, "jwks-min-refresh-interval");
            if (minRefreshInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalStateException("books.auth.jwt.jwks-min-refresh-interval must be at least PT1S, "
                        + "or every token with an unknown key id makes the service fetch the key set: "
                        + minRefreshInterval);
            }
            return new JwtSettings(
                    checkedLocation(jwks),
                    issuer,
                    audience,
                    writeScope,
                    duration(jwt, "clock-skew"),
                    duration(jwt, "jwks-max-age"),
                    minRefreshInterval,
                    duration(jwt, "jwks-timeout"),
                    jwt.get("require-at-jwt").asBoolean().get());
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

        public boolean jwksIsUrl() {
            return jwks.matches("(?i)https?://.*");
        }

        // Tokens from any issuer or for any audience would be accepted without these: refuse to start instead.
        private static String required(Config jwt, String key) {
            return text(jwt.get(key))
                    .orElseThrow(() -> new IllegalStateException("books.auth.jwt." + key + " (BOOKS_AUTH_JWT_"
                            + key.toUpperCase(Locale.ROOT) + ") must be set when books.auth.jwt.jwks is"));
        }

        private static Duration duration(Config jwt, String key) {
            Duration value;
            try {
                value = jwt.get(key).as(Duration.class).get();
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

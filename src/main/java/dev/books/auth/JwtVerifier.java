package dev.books.auth;

import java.lang.System.Logger.Level;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Verifies JWT access tokens (OAuth 2 / OpenID Connect): signature, issuer, audience, time, and reads the scopes.
 *
 * <p>Only {@code RS256}, {@code ES256} and {@code EdDSA} (Ed25519) are accepted; {@code none} and every HMAC
 * algorithm are refused before any key is looked at. The algorithm decides the key type (RSA of at least 2048 bits,
 * EC on P-256, OKP on Ed25519), and a key that names another algorithm or another use is never tried, so a public
 * key can never be used as an HMAC secret or for an algorithm it was not published for (no key confusion). Keys
 * come only from the configured key set, never from the token's own {@code jwk}, {@code jku} or {@code x5u}
 * headers. Tokens with critical ({@code crit}) headers are refused: none is understood.
 */
final class JwtVerifier {
    private static final System.Logger LOGGER = System.getLogger(JwtVerifier.class.getName());
    private static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
    private static final int MIN_RSA_BITS = 2048;

    private final AuthSettings.JwtSettings settings;
    private final JwksCache keys;
    private final Clock clock;

    JwtVerifier(AuthSettings.JwtSettings settings, JwksCache keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Where the keys come from, for logs.
     *
     * @return URL or file of the key set
     */
    String keySource() {
        return keys.location();
    }

    /** Why a token was refused. Logged (at DEBUG), never sent to the client; the token itself is never logged. */
    enum Rejection {
        MALFORMED("not a signed JWT"),
        ALGORITHM("algorithm not accepted (RS256, ES256 and EdDSA are)"),
        CRITICAL_HEADER("critical header parameters are not supported"),
        UNKNOWN_KEY("no key of the key set fits its key id and algorithm"),
        SIGNATURE("signature not valid"),
        EXPIRED("expired"),
        NO_EXPIRY("no exp claim"),
        NOT_YET_VALID("not valid yet (nbf)"),
        ISSUER("issued by another issuer"),
        AUDIENCE("meant for another audience");

        private final String text;

        Rejection(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The outcome of a verification. */
    sealed interface Outcome {}

    /**
     * A valid token.
     *
     * @param scopes the scopes it grants
     */
    record Valid(Set<String> scopes) implements Outcome {
        /**
         * Whether the token grants a scope.
         *
         * @param scope scope
         * @return {@code true} when it does
         */
        boolean grants(String scope) {
            return scopes.contains(scope);
        }
    }

    /**
     * A refused token.
     *
     * @param reason why
     */
    record Invalid(Rejection reason) implements Outcome {}

    /**
     * Verifies a token.
     *
     * @param token compact serialisation of the JWT
     * @return valid with its scopes, or invalid with the reason
     */
    Outcome verify(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            // Unsecured ("alg": "none") tokens fail here too: their header is not a JWS header.
            return invalid(Rejection.MALFORMED);
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm algorithm = header.getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            return invalid(Rejection.ALGORITHM);
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return invalid(Rejection.CRITICAL_HEADER);
        }
        List<JWSVerifier> verifiers = verifiers(keys.keys(), header);
        if (verifiers.isEmpty() && header.getKeyID() != null && keys.refresh()) {
            // An unknown key id: the issuer may have rotated its keys. refresh() is rate-limited.
            verifiers = verifiers(keys.keys(), header);
        }
        if (verifiers.isEmpty()) {
            return invalid(Rejection.UNKNOWN_KEY);
        }
        if (!verifiedByAny(jwt, verifiers)) {
            return invalid(Rejection.SIGNATURE);
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return invalid(Rejection.MALFORMED);
        }
        Rejection rejection = checkClaims(claims);
        return rejection == null ? new Valid(scopes(claims)) : invalid(rejection);
    }

    private Rejection checkClaims(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            return Rejection.NO_EXPIRY;
        }
        if (!now.isBefore(expiry.toInstant().plus(settings.clockSkew()))) {
            return Rejection.EXPIRED;
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.isBefore(notBefore.toInstant().minus(settings.clockSkew()))) {
            return Rejection.NOT_YET_VALID;
        }
        if (!settings.issuer().equals(claims.getIssuer())) {
            return Rejection.ISSUER;
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(settings.audience())) {
            return Rejection.AUDIENCE;
        }
        return null;
    }

    /** {@code scope} is a space-separated string (RFC 8693, RFC 9068); {@code scp} a string or an array of them. */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new HashSet<>();
        addScopes(scopes, claims.getClaim("scope"));
        addScopes(scopes, claims.getClaim("scp"));
        return Set.copyOf(scopes);
    }

    private static void addScopes(Set<String> scopes, Object claim) {
        if (claim instanceof String text) {
            for (String scope : text.split(" ")) {
                if (!scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
        } else if (claim instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String scope && !scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
        }
    }

    private static boolean verifiedByAny(SignedJWT jwt, List<JWSVerifier> verifiers) {
        for (JWSVerifier verifier : verifiers) {
            try {
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | RuntimeException e) {
                // A key that cannot check this signature is simply not the one that made it.
                LOGGER.log(
                        Level.DEBUG,
                        () -> "JWT signature check failed: " + e.getClass().getSimpleName());
            }
        }
        return false;
    }

    /** A verifier for every key that may have signed a token with this header. */
    private static List<JWSVerifier> verifiers(List<JWK> keys, JWSHeader header) {
        List<JWSVerifier> verifiers = new ArrayList<>();
        for (JWK key : keys) {
            if (!fits(key, header)) {
                continue;
            }
            try {
                verifiers.add(verifier(key, header.getAlgorithm()));
            } catch (JOSEException e) {
                LOGGER.log(
                        Level.DEBUG, () -> "Key " + key.getKeyID() + " of the JWK set is unusable: " + e.getMessage());
            }
        }
        return verifiers;
    }

    private static boolean fits(JWK key, JWSHeader header) {
        JWSAlgorithm algorithm = header.getAlgorithm();
        if (header.getKeyID() != null && !header.getKeyID().equals(key.getKeyID())) {
            return false;
        }
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return false;
        }
        if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return false;
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().equals(algorithm)) {
            return false;
        }
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
        }
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
        }
        return JWSAlgorithm.EdDSA.equals(algorithm)
                && key instanceof OctetKeyPair okp
                && Curve.Ed25519.equals(okp.getCurve());
    }

    private static JWSVerifier verifier(JWK key, JWSAlgorithm algorithm) throws JOSEException {
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return new RSASSAVerifier((RSAKey) key);
        }
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return new ECDSAVerifier((ECKey) key);
        }
        return new Ed25519JdkVerifier((OctetKeyPair) key);
    }

    private static Invalid invalid(Rejection reason) {
        LOGGER.log(Level.DEBUG, () -> "JWT refused: " + reason);
        return new Invalid(reason);
    }
}

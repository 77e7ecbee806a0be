package dev.books.auth;

import java.lang.System.Logger.Level;
import java.security.Key;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies JWT access tokens (OAuth 2 / OpenID Connect) with nimbus' {@link DefaultJWTProcessor}: signature, type,
 * issuer, audience, time; then reads the scopes.
 *
 * <p>Only {@code RS256}, {@code ES256} and {@code EdDSA} (Ed25519) are accepted; unsecured tokens and every HMAC
 * algorithm are refused before any key is looked at. The algorithm decides the key type (RSA of at least 2048 bits,
 * EC on P-256, OKP on Ed25519), and a key published for another algorithm, use or operation is never tried, so a
 * public key can never serve as an HMAC secret (no key confusion). Keys come only from the configured key set, never
 * from the token's own {@code jwk}, {@code jku} or {@code x5u} headers. Critical ({@code crit}) headers are refused
 * by the verifiers: none is understood. A {@code typ} other than {@code JWT} or {@code at+jwt} (an ID token, say) is
 * refused, and with {@code require-at-jwt} only {@code at+jwt} passes (RFC 9068).
 */
final class JwtVerifier {
    private static final System.Logger LOGGER = System.getLogger(JwtVerifier.class.getName());
    private static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final int MIN_RSA_BITS = 2048;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JWKSource<SecurityContext> keys;

    JwtVerifier(AuthSettings.JwtSettings settings, JWKSource<SecurityContext> keys) {
        this.keys = keys;
        processor.setJWSTypeVerifier(
                settings.requireAtJwt()
                        ? new DefaultJOSEObjectTypeVerifier<>(AT_JWT)
                        : new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, AT_JWT, null));
        processor.setJWSKeySelector((header, context) -> publicKeys(header));
        processor.setJWSVerifierFactory(new DefaultJWSVerifierFactory() {
            @Override
            public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
                return JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                        ? new Ed25519JdkVerifier(key)
                        : super.createJWSVerifier(header, key);
            }
        });
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of(JWTClaimNames.EXPIRATION_TIME),
                null);
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    sealed interface Outcome {}

    /** A valid token; {@code principal} is its issuer and subject. */
    record Valid(Set<String> scopes, String principal) implements Outcome {
        boolean grants(String scope) {
            return scopes.contains(scope);
        }
    }

    /** A refused token; {@code reason} is for the DEBUG log (never the token). */
    record Invalid(String reason) implements Outcome {}

    Outcome verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return new Valid(scopes(claims), claims.getIssuer() + " " + claims.getSubject());
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            // A key set that cannot be fetched (KeySourceException) refuses the token too: no key, no trust.
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOGGER.log(Level.DEBUG, () -> "JWT refused: " + reason);
            return new Invalid(reason);
        }
    }

    /** The public keys of the set that may have signed a token with this header (none for other algorithms). */
    private List<Key> publicKeys(JWSHeader header) throws KeySourceException {
        JWSAlgorithm algorithm = header.getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            return List.of();
        }
        JWKMatcher.Builder matcher = new JWKMatcher.Builder()
                .keyType(KeyType.forAlgorithm(algorithm))
                .keyID(header.getKeyID())
                .keyUses(KeyUse.SIGNATURE, null)
                .keyOperations(KeyOperation.VERIFY, null)
                .algorithms(algorithm, null);
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            matcher.minKeySize(MIN_RSA_BITS);
        } else {
            matcher.curve(JWSAlgorithm.ES256.equals(algorithm) ? Curve.P_256 : Curve.Ed25519);
        }
        List<Key> keys = new ArrayList<>();
        for (JWK jwk : this.keys.get(new JWKSelector(matcher.build()), null)) {
            try {
                keys.add(
                        switch (jwk) {
                            case RSAKey rsa -> rsa.toRSAPublicKey();
                            case ECKey ec -> ec.toECPublicKey();
                            case OctetKeyPair okp -> Ed25519JdkVerifier.publicKey(okp);
                            default -> throw new JOSEException("not a signature key");
                        });
            } catch (JOSEException e) {
                LOGGER.log(Level.DEBUG, () -> "Key " + jwk.getKeyID() + " of the JWK set is unusable: " + e);
            }
        }
        return keys;
    }

    /** {@code scope} is a space-separated string (RFC 8693, RFC 9068); {@code scp} a string or an array of them. */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new HashSet<>();
        for (Object claim : new Object[] {claims.getClaim("scope"), claims.getClaim("scp")}) {
            List<?> items = claim instanceof String text
                    ? List.of(text.split(" "))
                    : claim instanceof List<?> list ? list : List.of();
            for (Object item : items) {
                if (item instanceof String scope && !scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
        }
        return Set.copyOf(scopes);
    }
}

package dev.books.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;

/**
 * Verifies {@code EdDSA} (Ed25519) signatures with the JDK's own Ed25519 implementation (JCA, Java 15+).
 *
 * <p>nimbus-jose-jwt's {@code Ed25519Verifier} needs Google Tink, which this build cannot fetch; the JDK has
 * Ed25519 built in. This class only turns the JWK into a JDK public key (the fixed X.509 header of an Ed25519 key
 * followed by its 32 bytes) and asks {@link Signature} to verify: no cryptography of its own.
 */
final class Ed25519JdkVerifier implements JWSVerifier {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final PublicKey key;
    private final JCAContext jcaContext = new JCAContext();

    Ed25519JdkVerifier(Key key) throws JOSEException {
        if (!(key instanceof PublicKey publicKey) || !(key instanceof java.security.interfaces.EdECKey)) {
            throw new JOSEException("Not an Ed25519 public key");
        }
        this.key = publicKey;
    }

    /** The JDK public key of an Ed25519 JWK (nimbus cannot make one without Tink). */
    static PublicKey publicKey(OctetKeyPair jwk) throws JOSEException {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            throw new JOSEException("Not an Ed25519 key: " + jwk.getCurve());
        }
        byte[] x = jwk.getDecodedX();
        if (x.length != 32) {
            throw new JOSEException("An Ed25519 public key has 32 bytes");
        }
        byte[] encoded = ByteBuffer.allocate(X509_PREFIX.length + x.length)
                .put(X509_PREFIX)
                .put(x)
                .array();
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Not a usable Ed25519 public key", e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        // No critical header parameter is understood, so a token naming one is not valid (RFC 7515, 4.1.11).
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                || (header.getCriticalParams() != null
                        && !header.getCriticalParams().isEmpty())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature.decode());
        } catch (SignatureException e) {
            // A signature of the wrong length or encoding: simply not valid.
            return false;
        } catch (InvalidKeyException e) {
            throw new JOSEException("Unusable Ed25519 key", e);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 is not available in this JDK", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}

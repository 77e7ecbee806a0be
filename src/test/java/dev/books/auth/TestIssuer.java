package dev.books.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * A token issuer for the tests: RSA, EC (P-256) and Ed25519 signing keys made at test time, their public JWK set
 * served on a loopback port (JDK HTTP server; each fetch counted), good tokens and every kind of bad one, and key
 * rotation. No key is ever written to a file of the repository.
 */
public final class TestIssuer implements AutoCloseable {
    /** The {@code iss} of good tokens. */
    public static final String ISSUER = "https://issuer.books.test/";
    /** The {@code aud} of good tokens. */
    public static final String AUDIENCE = "books-api";
    /** The scope that grants writes. */
    public static final String WRITE = "books:write";

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong hugeBytesSent = new java.util.concurrent.atomic.AtomicLong();
    private volatile String override;
    private volatile boolean down;
    private final ECKey ec;
    private final KeyPair ed25519;
    private final OctetKeyPair ed25519Jwk;
    private volatile RSAKey rsa;
    private volatile List<JWK> published;

    private TestIssuer(HttpServer server) {
        this.server = server;
        try {
            this.rsa = newRsa("rsa-1");
            this.ec = new ECKeyGenerator(Curve.P_256)
                    .keyID("ec-1")
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
            this.ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] spki = ed25519.getPublic().getEncoded();
        this.ed25519Jwk = new OctetKeyPair.Builder(
                        Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32, spki.length)))
                .keyID("ed-1")
                .build();
        this.published = List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed25519Jwk);
    }

    /**
     * Starts the JWK set server on 127.0.0.1.
     *
     * @return the issuer
     */
    public static TestIssuer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestIssuer issuer = new TestIssuer(server);
            server.createContext("/jwks.json", exchange -> {
                issuer.fetches.incrementAndGet();
                if (issuer.down) {
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                    return;
                }
                String json = issuer.override != null ? issuer.override : issuer.jwks();
                byte[] body = json.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            // A redirect to the real key set: a client that follows it could be led anywhere.
            server.createContext("/redirect", exchange -> {
                exchange.getResponseHeaders().set("Location", issuer.jwksUrl());
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            // An endless key set (bounded here at 64 MiB): a client that reads before it counts reads it all.
            server.createContext("/huge", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                long sent = 0;
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write('{');
                    for (int i = 0; i < 1024; i++) {
                        out.write(chunk);
                        sent += chunk.length;
                        long most = sent;
                        issuer.hugeBytesSent.accumulateAndGet(most, Math::max);
                    }
                } catch (IOException e) {
                    // The client hung up: what it did not read is not counted.
                }
            });
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The URL of the JWK set.
     *
     * @return {@code http://127.0.0.1:<port>/jwks.json}
     */
    public String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    /**
     * A URL of this issuer other than the key set's.
     *
     * @param path {@code /redirect} (302 to the key set) or {@code /huge} (64 MiB of JSON)
     * @return the URL
     */
    public String url(String path) {
        return jwksUrl().replace("/jwks.json", path);
    }

    /**
     * The most of the endless key set one response sent before the client stopped reading.
     *
     * @return bytes
     */
    public long hugeBytesSent() {
        return hugeBytesSent.get();
    }

    /**
     * Serves this JSON instead of the issuer's keys, until called with {@code null}.
     *
     * @param json what to serve
     */
    public void serve(String json) {
        override = json;
    }

    /**
     * Answers 503 to key set requests (an outage) or serves the keys again.
     *
     * @param isDown whether the issuer is down
     */
    public void down(boolean isDown) {
        down = isDown;
    }

    /**
     * A token signed with the current RSA key, its header and claims changed by functions.
     *
     * @param header changes to the header (alg RS256, kid and typ JWT set)
     * @param change changes to the claims
     * @return the token
     */
    public String rs256(
            java.util.function.UnaryOperator<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> change) {
        JWSHeader.Builder builder =
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).type(JOSEObjectType.JWT);
        return sign(rsaSigner(rsa), header.apply(builder).build(), claims(change));
    }

    /**
     * The public JWK set now published.
     *
     * @return its JSON
     */
    public String jwks() {
        return new JWKSet(published).toString();
    }

    /**
     * How often the JWK set was fetched.
     *
     * @return number of requests
     */
    public int fetches() {
        return fetches.get();
    }

    /** Rotates the RSA key: a new key id signs from now on and is the only RSA key published. */
    public void rotate() {
        rsa = newRsa("rsa-" + UUID.randomUUID());
        published = List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed25519Jwk);
    }

    /**
     * A good RS256 token with these scopes (in {@code scope}).
     *
     * @param scope space-separated scopes, or {@code null} for none
     * @return the token
     */
    public String token(String scope) {
        return rs256(claims -> claims.claim("scope", scope));
    }

    /**
     * An RS256 token signed by the current key, with good claims changed by a function.
     *
     * @param change changes to the claims
     * @return the token
     */
    public String rs256(Consumer<JWTClaimsSet.Builder> change) {
        return sign(rsaSigner(rsa), header(JWSAlgorithm.RS256, rsa.getKeyID()), claims(change));
    }

    /**
     * A good ES256 token.
     *
     * @param scope scopes
     * @return the token
     */
    public String es256(String scope) {
        try {
            return sign(
                    new ECDSASigner(ec),
                    header(JWSAlgorithm.ES256, ec.getKeyID()),
                    claims(claims -> claims.claim("scope", scope)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A good EdDSA (Ed25519) token, signed with the JDK's Ed25519.
     *
     * @param change changes to the claims
     * @return the token
     */
    public String eddsa(Consumer<JWTClaimsSet.Builder> change) {
        JWSHeader header = header(JWSAlgorithm.EdDSA, ed25519Jwk.getKeyID());
        String signingInput =
                header.toBase64URL() + "." + Base64URL.encode(claims(change).toString());
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(ed25519.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every kind of token that must be refused, by name. None of them grants anything.
     *
     * @return name and token pairs
     */
    public List<String[]> badTokens() {
        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {"expired", rs256(c -> c.expirationTime(at(-600)).issueTime(at(-1200)))});
        bad.add(new String[] {"not yet valid", rs256(c -> c.notBeforeTime(at(600)))});
        bad.add(new String[] {"no exp", rs256(c -> c.expirationTime(null))});
        bad.add(new String[] {"wrong audience", rs256(c -> c.audience("another-api"))});
        bad.add(new String[] {"wrong issuer", rs256(c -> c.issuer("https://evil.test/"))});
        bad.add(new String[] {"alg none", new PlainJWT(claims(c -> {})).serialize()});
        bad.add(new String[] {"alg none with the kid of a real key", noneWithKid()});
        bad.add(new String[] {"HS256 with a random secret", hmac(randomBytes(32))});
        bad.add(new String[] {"HS256 with the RSA public key as secret", hmac(publicKeyBytes())});
        bad.add(new String[] {"signed by an unknown key", foreign(false)});
        bad.add(new String[] {"signed by an unknown key, embedded in its jwk header", foreign(true)});
        bad.add(new String[] {"signature of another token", tamperedPayload()});
        bad.add(new String[] {"RS256 header with the kid of the EC key", rs256WithKid(ec.getKeyID())});
        bad.add(new String[] {"not a JWT", "abc.def.ghi"});
        bad.add(new String[] {
            "an ID token (typ id_token+jwt)",
            rs256(h -> h.type(new JOSEObjectType("id_token+jwt")), c -> c.claim("scope", WRITE))
        });
        bad.add(new String[] {
            "critical header",
            rs256(h -> h.criticalParams(Set.of("exp")).customParam("exp", 1), c -> c.claim("scope", WRITE))
        });
        return bad;
    }

    private String noneWithKid() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + rsa.getKeyID() + "\"}")
                .toString();
        String good = token(WRITE);
        return header + good.substring(good.indexOf('.'));
    }

    private String hmac(byte[] secret) {
        try {
            return sign(new MACSigner(secret), header(JWSAlgorithm.HS256, rsa.getKeyID()), claims(c -> {}));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] publicKeyBytes() {
        try {
            return rsa.toPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String foreign(boolean embedJwk) {
        RSAKey attacker = newRsa(embedJwk ? "attacker" : rsa.getKeyID());
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(attacker.getKeyID())
                .type(JOSEObjectType.JWT);
        if (embedJwk) {
            header.jwk(attacker.toPublicJWK());
        }
        return sign(rsaSigner(attacker), header.build(), claims(c -> c.claim("scope", WRITE)));
    }

    private String tamperedPayload() {
        String good = token(null);
        String[] parts = good.split("\\.");
        String forged = Base64URL.encode(claims(c -> c.claim("scope", WRITE)).toString())
                .toString();
        return parts[0] + "." + forged + "." + parts[2];
    }

    private String rs256WithKid(String kid) {
        return sign(rsaSigner(rsa), header(JWSAlgorithm.RS256, kid), claims(c -> c.claim("scope", WRITE)));
    }

    private static JWSHeader header(JWSAlgorithm algorithm, String kid) {
        return new JWSHeader.Builder(algorithm)
                .keyID(kid)
                .type(JOSEObjectType.JWT)
                .build();
    }

    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(List.of(AUDIENCE, "another-api"))
                .subject("editor-" + UUID.randomUUID())
                .issueTime(at(-10))
                .expirationTime(at(300))
                .jwtID(UUID.randomUUID().toString());
        change.accept(claims);
        return claims.build();
    }

    private static Date at(long secondsFromNow) {
        return Date.from(Instant.now().plusSeconds(secondsFromNow));
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static JWSSigner rsaSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey newRsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A 1024-bit RSA key, too weak to be trusted.
     *
     * @param kid key id
     * @return the key, private part included
     */
    static RSAKey weakRsa(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(1024);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(kid)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** Signs with any signer and header, for the unit tests. */
    static String sign(JWSSigner signer, JWSHeader header, Consumer<JWTClaimsSet.Builder> change) {
        return sign(signer, header, claims(change));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

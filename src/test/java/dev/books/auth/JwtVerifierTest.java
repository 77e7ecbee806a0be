package dev.books.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import dev.books.auth.JwtVerifier.Invalid;
import dev.books.auth.JwtVerifier.Rejection;
import dev.books.auth.JwtVerifier.Valid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The JWT checks one by one (the HTTP contract tests see only 401), and the key set cache: refresh on an unknown
 * key id, its rate limit, the maximum age, and failures.
 */
class JwtVerifierTest {
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    private static final Duration MAX_AGE = Duration.ofMinutes(15);

    @TempDir
    Path dir;

    private TestIssuer issuer;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicReference<String> served = new AtomicReference<>();
    private JwksCache cache;
    private JwtVerifier verifier;

    @BeforeEach
    void setUp() {
        issuer = TestIssuer.start();
        served.set(issuer.jwks());
        cache = new JwksCache(
                () -> {
                    loads.incrementAndGet();
                    String json = served.get();
                    if (json == null) {
                        throw new IOException("issuer down");
                    }
                    return json;
                },
                "test",
                MAX_AGE,
                MIN_INTERVAL,
                nanos::get);
        assertThat(cache.refresh(), is(true));
        verifier = new JwtVerifier(settings("unused"), cache, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        issuer.close();
    }

    @Test
    void acceptsRs256Es256AndEdDsaAndReadsScopes() {
        assertThat(verifier.verify(issuer.token("a books:write b")), is(new Valid(Set.of("a", "books:write", "b"))));
        assertThat(verifier.verify(issuer.es256("books:write")), is(new Valid(Set.of("books:write"))));
        assertThat(
                verifier.verify(issuer.eddsa(c -> c.claim("scp", List.of("x", 1, "books:write", "")))),
                is(new Valid(Set.of("x", "books:write"))));
        assertThat(verifier.verify(issuer.token(null)), is(new Valid(Set.of())));
        assertThat(((Valid) verifier.verify(issuer.token(TestIssuer.WRITE))).grants(TestIssuer.WRITE), is(true));
    }

    @Test
    void refusesEachBadTokenForItsReason() {
        List<String[]> bad = issuer.badTokens();
        assertThat(reason(bad, "expired"), is(Rejection.EXPIRED));
        assertThat(reason(bad, "not yet valid"), is(Rejection.NOT_YET_VALID));
        assertThat(reason(bad, "no exp"), is(Rejection.NO_EXPIRY));
        assertThat(reason(bad, "wrong audience"), is(Rejection.AUDIENCE));
        assertThat(reason(bad, "wrong issuer"), is(Rejection.ISSUER));
        assertThat(reason(bad, "alg none"), is(Rejection.MALFORMED));
        assertThat(reason(bad, "alg none with the kid of a real key"), is(Rejection.MALFORMED));
        assertThat(reason(bad, "HS256 with a random secret"), is(Rejection.ALGORITHM));
        assertThat(reason(bad, "HS256 with the RSA public key as secret"), is(Rejection.ALGORITHM));
        assertThat(reason(bad, "signed by an unknown key"), is(Rejection.SIGNATURE));
        assertThat(reason(bad, "signed by an unknown key, embedded in its jwk header"), is(Rejection.UNKNOWN_KEY));
        assertThat(reason(bad, "signature of another token"), is(Rejection.SIGNATURE));
        assertThat(reason(bad, "RS256 header with the kid of the EC key"), is(Rejection.UNKNOWN_KEY));
        assertThat(reason(bad, "not a JWT"), is(Rejection.MALFORMED));
        assertThat(verifier.verify("x"), is(new Invalid(Rejection.MALFORMED)));
        assertThat(Rejection.EXPIRED.toString(), is("expired"));
    }

    @Test
    void refusesOtherAlgorithmsAndCriticalHeaders() throws JOSEException {
        RSAKey signing = TestIssuer.newRsa("ps");
        String ps256 =
                TestIssuer.sign(new RSASSASigner(signing), new JWSHeader.Builder(JWSAlgorithm.PS256).build(), c -> {});
        assertThat(verifier.verify(ps256), is(new Invalid(Rejection.ALGORITHM)));
        String critical = TestIssuer.sign(
                new RSASSASigner(signing),
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID("ps")
                        .criticalParams(Set.of("exp"))
                        .customParam("exp", 1)
                        .build(),
                c -> {});
        assertThat(verifier.verify(critical), is(new Invalid(Rejection.CRITICAL_HEADER)));
    }

    @Test
    void keysThatDoNotFitTheAlgorithmAreNeverTried() throws JOSEException {
        RSAKey weak = TestIssuer.weakRsa("weak");
        RSAKey encryption = new RSAKey.Builder(TestIssuer.newRsa("enc"))
                .keyUse(KeyUse.ENCRYPTION)
                .build();
        RSAKey otherAlg = new RSAKey.Builder(TestIssuer.newRsa("rs512"))
                .algorithm(JWSAlgorithm.RS512)
                .build();
        RSAKey signOnly = new RSAKey.Builder(TestIssuer.newRsa("sign-only"))
                .keyUse(null)
                .keyOperations(Set.of(KeyOperation.SIGN))
                .build();
        RSAKey noKid = new RSAKey.Builder(TestIssuer.newRsa("x")).keyID(null).build();
        served.set(new JWKSet(List.<JWK>of(weak, encryption, otherAlg, signOnly, noKid))
                .toPublicJWKSet()
                .toString());
        nanos.addAndGet(MIN_INTERVAL.toNanos());
        cache.refresh();

        assertThat(verifier.verify(signedBy(weak, true)), is(new Invalid(Rejection.UNKNOWN_KEY)));
        assertThat(verifier.verify(signedBy(encryption, false)), is(new Invalid(Rejection.UNKNOWN_KEY)));
        assertThat(verifier.verify(signedBy(otherAlg, false)), is(new Invalid(Rejection.UNKNOWN_KEY)));
        assertThat(verifier.verify(signedBy(signOnly, false)), is(new Invalid(Rejection.UNKNOWN_KEY)));
        // No kid in the token: every key fitting the algorithm is tried.
        assertThat(verifier.verify(signedBy(noKid, false)), is(new Valid(Set.of())));
    }

    @Test
    void unknownKeyIdFetchesTheSetAtMostOncePerInterval() {
        issuer.rotate();
        served.set(issuer.jwks());
        int before = loads.get();

        // Within the interval of the first fetch: no fetch, refused.
        assertThat(verifier.verify(issuer.token(TestIssuer.WRITE)), is(new Invalid(Rejection.UNKNOWN_KEY)));
        assertThat(loads.get(), is(before));

        nanos.addAndGet(MIN_INTERVAL.toNanos());
        assertThat(verifier.verify(issuer.token(TestIssuer.WRITE)), is(new Valid(Set.of(TestIssuer.WRITE))));
        assertThat(loads.get(), is(before + 1));

        // A flood of made-up key ids causes no further fetch within the interval.
        for (int i = 0; i < 20; i++) {
            assertThat(verifier.verify(unknownKid()), is(new Invalid(Rejection.UNKNOWN_KEY)));
        }
        assertThat(loads.get(), is(before + 1));
        nanos.addAndGet(MIN_INTERVAL.toNanos());
        verifier.verify(unknownKid());
        assertThat(loads.get(), is(before + 2));
    }

    @Test
    void setOlderThanMaxAgeIsFetchedAgainAndAFailedFetchKeepsTheKeys() {
        int before = loads.get();
        nanos.addAndGet(MAX_AGE.toNanos() + 1);
        served.set(null);

        assertThat(verifier.verify(issuer.token(TestIssuer.WRITE)), is(new Valid(Set.of(TestIssuer.WRITE))));
        assertThat(loads.get(), is(before + 1));
        assertThat("still failing within the interval", cache.refresh(), is(false));

        served.set(issuer.jwks());
        nanos.addAndGet(MIN_INTERVAL.toNanos());
        assertThat(cache.refresh(), is(true));
        assertThat(cache.keys().size(), is(3));
    }

    @Test
    void symmetricAndPrivateKeysOfTheSetAreDropped() throws JOSEException {
        RSAKey withPrivate = TestIssuer.newRsa("private");
        served.set(new JWKSet(List.<JWK>of(
                        withPrivate,
                        new OctetSequenceKeyGenerator(256).keyID("hmac").generate()))
                .toString(false));
        nanos.addAndGet(MIN_INTERVAL.toNanos());
        cache.refresh();

        assertThat(cache.keys().size(), is(1));
        assertThat(cache.keys().getFirst().isPrivate(), is(false));
    }

    @Test
    void keySetFromAFile() throws IOException {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, issuer.jwks(), StandardCharsets.UTF_8);
        JwksCache fromFile = JwksCache.create(settings(file.toString()));
        assertThat(fromFile.location(), is(file.toString()));
        assertThat(
                new JwtVerifier(settings(file.toString()), fromFile, Clock.systemUTC())
                        .verify(issuer.es256(TestIssuer.WRITE)),
                is(new Valid(Set.of(TestIssuer.WRITE))));

        Path missing = dir.resolve("missing.json");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> JwksCache.create(settings(missing.toString())));
        assertThat(e.getMessage(), containsString("BOOKS_AUTH_JWT_JWKS"));
        Files.writeString(file, "not json", StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> JwksCache.create(settings(file.toString())));
    }

    @Test
    void keySetFromAUrlAndAnUnreachableOne() {
        JwksCache fromUrl = JwksCache.create(settings(issuer.jwksUrl()));
        assertThat(fromUrl.keys().size(), is(3));
        assertThat(fromUrl.location(), startsWith("http://127.0.0.1:"));

        // An issuer that is down at start-up does not stop the service: its tokens are refused until it answers.
        String down = issuer.jwksUrl().replace("/jwks.json", "/missing");
        JwksCache unreachable = JwksCache.create(settings(down));
        assertThat(unreachable.keys().size(), is(0));
        assertThat(
                new JwtVerifier(settings(down), unreachable, Clock.systemUTC()).verify(issuer.token(TestIssuer.WRITE)),
                is(new Invalid(Rejection.UNKNOWN_KEY)));
        assertThat(
                JwksCache.describe(java.net.URI.create("https://user:secret@idp.example:8443/keys?token=x#f")),
                is("https://idp.example:8443/keys"));
    }

    private Rejection reason(List<String[]> bad, String name) {
        for (String[] entry : bad) {
            if (entry[0].equals(name)) {
                return ((Invalid) verifier.verify(entry[1])).reason();
            }
        }
        throw new AssertionError("no bad token named " + name);
    }

    private String signedBy(RSAKey key, boolean weak) throws JOSEException {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        if (key.getKeyID() != null) {
            header.keyID(key.getKeyID());
        }
        return TestIssuer.sign(
                weak
                        ? new RSASSASigner(key.toRSAPrivateKey(), Set.of(AllowWeakRSAKey.getInstance()))
                        : new RSASSASigner(key),
                header.build(),
                c -> {});
    }

    private String unknownKid() {
        try {
            return signedBy(TestIssuer.newRsa("made-up-" + System.nanoTime()), false);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuthSettings.JwtSettings settings(String jwks) {
        return new AuthSettings.JwtSettings(
                jwks,
                TestIssuer.ISSUER,
                TestIssuer.AUDIENCE,
                TestIssuer.WRITE,
                Duration.ofSeconds(30),
                MAX_AGE,
                Duration.ZERO,
                Duration.ofSeconds(2));
    }
}

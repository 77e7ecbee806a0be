package dev.books.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import dev.books.auth.JwtVerifier.Invalid;
import dev.books.auth.JwtVerifier.Valid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The JWT checks one by one (the HTTP contract tests see only 401), and the key set source: refresh on an unknown
 * key id and its rate limit, a failed first fetch, outages, the size cap, redirects, files.
 */
class JwtVerifierTest {
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    private static final RSAKey STRANGER = TestIssuer.newRsa("stranger");

    @TempDir
    Path dir;

    private TestIssuer issuer;
    private JwtVerifier verifier;

    @BeforeEach
    void setUp() {
        issuer = TestIssuer.start();
        verifier = verifier(issuer.jwksUrl(), false);
    }

    @AfterEach
    void tearDown() {
        issuer.close();
    }

    @Test
    void acceptsRs256Es256AndEdDsaAndReadsScopes() {
        assertThat(scopes(verifier.verify(issuer.token("a books:write b"))), is(Set.of("a", "books:write", "b")));
        assertThat(scopes(verifier.verify(issuer.es256("books:write"))), is(Set.of("books:write")));
        assertThat(
                scopes(verifier.verify(issuer.eddsa(c -> c.claim("scp", List.of("x", 1, "books:write", ""))))),
                is(Set.of("x", "books:write")));
        assertThat(scopes(verifier.verify(issuer.token(null))), is(Set.of()));
        assertThat(((Valid) verifier.verify(issuer.token(TestIssuer.WRITE))).grants(TestIssuer.WRITE), is(true));
    }

    @Test
    void principalIsIssuerAndSubject() {
        Valid valid = (Valid) verifier.verify(issuer.rs256(c -> c.subject("alice")));
        assertThat(valid.principal(), is(TestIssuer.ISSUER + " alice"));
    }

    @Test
    void refusesEveryBadToken() {
        for (String[] bad : issuer.badTokens()) {
            assertThat(bad[0], verifier.verify(bad[1]), instanceOf(Invalid.class));
        }
        assertThat(verifier.verify("x"), instanceOf(Invalid.class));
        assertThat(reason(issuer.rs256(c -> c.issuer("https://evil.test/"))), containsString("iss"));
        assertThat(reason(issuer.rs256(c -> c.audience("another-api"))), containsString("aud"));
    }

    @Test
    void typMustBeJwtOrAtJwtAndAtJwtCanBeRequired() {
        String atJwt = issuer.rs256(h -> h.type(new JOSEObjectType("at+jwt")), c -> {});
        String jwt = issuer.rs256(h -> h, c -> {});
        String untyped = issuer.rs256(h -> h.type(null), c -> {});
        String idToken = issuer.rs256(h -> h.type(new JOSEObjectType("id_token+jwt")), c -> {});
        assertThat(verifier.verify(atJwt), instanceOf(Valid.class));
        assertThat(verifier.verify(jwt), instanceOf(Valid.class));
        assertThat(verifier.verify(untyped), instanceOf(Valid.class));
        assertThat(verifier.verify(idToken), instanceOf(Invalid.class));

        JwtVerifier strict = verifier(issuer.jwksUrl(), true);
        assertThat(strict.verify(atJwt), instanceOf(Valid.class));
        assertThat(strict.verify(jwt), instanceOf(Invalid.class));
        assertThat(strict.verify(untyped), instanceOf(Invalid.class));
    }

    @Test
    void refusesOtherAlgorithms() throws JOSEException {
        RSAKey signing = TestIssuer.newRsa("ps");
        issuer.serve(new JWKSet(signing.toPublicJWK()).toString());
        JwtVerifier own = verifier(issuer.jwksUrl(), false);
        String ps256 = TestIssuer.sign(
                new RSASSASigner(signing),
                new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("ps").build(),
                c -> {});
        String rs256 = TestIssuer.sign(
                new RSASSASigner(signing),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("ps").build(),
                c -> {});
        assertThat(own.verify(ps256), instanceOf(Invalid.class));
        assertThat(own.verify(rs256), instanceOf(Valid.class));
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
        OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
        // Private parts and a symmetric key in the set: only public keys may ever verify.
        issuer.serve(new JWKSet(List.<JWK>of(weak, encryption, otherAlg, signOnly, noKid, hmac)).toString(false));
        JwtVerifier own = verifier(issuer.jwksUrl(), false);

        assertThat(own.verify(signedBy(weak, true)), instanceOf(Invalid.class));
        assertThat(own.verify(signedBy(encryption, false)), instanceOf(Invalid.class));
        assertThat(own.verify(signedBy(otherAlg, false)), instanceOf(Invalid.class));
        assertThat(own.verify(signedBy(signOnly, false)), instanceOf(Invalid.class));
        String hs256 = TestIssuer.sign(
                new MACSigner(hmac),
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("hmac").build(),
                c -> {});
        assertThat(own.verify(hs256), instanceOf(Invalid.class));
        // No kid in the token: every key fitting the algorithm is tried.
        assertThat(own.verify(signedBy(noKid, false)), instanceOf(Valid.class));
    }

    @Test
    void unknownKeyIdsFetchTheSetAtMostTwicePerInterval() {
        int before = issuer.fetches();
        issuer.rotate();
        assertThat(verifier.verify(issuer.token(TestIssuer.WRITE)), instanceOf(Valid.class));
        assertThat("the new key id caused a fetch", issuer.fetches(), is(before + 1));

        // A flood of made-up key ids: the start-up fetch and the one above used up this interval.
        for (int i = 0; i < 20; i++) {
            assertThat(verifier.verify(unknownKid()), instanceOf(Invalid.class));
        }
        assertThat(issuer.fetches(), is(before + 1));
    }

    @Test
    void issuerDownAtStartIsFetchedAgainOnTheNextTokenEvenWithoutKid() throws JOSEException {
        issuer.down(true);
        RSAKey key = TestIssuer.newRsa("k");
        RSAKey noKid = new RSAKey.Builder(key).keyID(null).build();
        issuer.serve(new JWKSet(noKid.toPublicJWK()).toString());
        JwtVerifier started = verifier(issuer.jwksUrl(), false);

        issuer.down(false);
        assertThat(started.verify(signedBy(noKid, false)), instanceOf(Valid.class));
    }

    @Test
    void anOutageKeepsTheLastGoodKeys() {
        AuthSettings.JwtSettings settings =
                settings(issuer.jwksUrl(), Duration.ofSeconds(2), Duration.ofSeconds(1), false);
        JwtVerifier shortLived = new JwtVerifier(settings, IssuerKeys.create(settings));
        int before = issuer.fetches();
        issuer.down(true);
        // Wait (bounded) until the set expired and a fetch failed.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (issuer.fetches() == before && System.nanoTime() < deadline) {
            shortLived.verify(issuer.es256(TestIssuer.WRITE));
            sleep(100);
        }
        assertThat("a fetch failed", issuer.fetches(), greaterThan(before));
        assertThat(shortLived.verify(issuer.es256(TestIssuer.WRITE)), instanceOf(Valid.class));
    }

    @Test
    void aKeySetIsReadUpToOneMebibyteAndNoFurther() {
        JwtVerifier huge = verifier(issuer.url("/huge"), false);
        assertThat(huge.verify(issuer.token(TestIssuer.WRITE)), instanceOf(Invalid.class));
        // The socket buffers on both sides take up to about 10 MiB; a client that read before it counted would have
        // taken all 64 MiB.
        assertThat(issuer.hugeBytesSent(), lessThan(32L * 1024 * 1024));
    }

    @Test
    void redirectsAreNotFollowed() {
        JwtVerifier redirected = verifier(issuer.url("/redirect"), false);
        assertThat(redirected.verify(issuer.token(TestIssuer.WRITE)), instanceOf(Invalid.class));
        assertThat("the key set behind the redirect was never fetched", issuer.fetches(), is(1));
    }

    @Test
    void keySetFromAFile() throws IOException {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, issuer.jwks(), StandardCharsets.UTF_8);
        assertThat(verifier(file.toString(), false).verify(issuer.es256(TestIssuer.WRITE)), instanceOf(Valid.class));

        Path missing = dir.resolve("missing.json");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> IssuerKeys.create(settings(missing.toString())));
        assertThat(e.getMessage(), containsString("BOOKS_AUTH_JWT_JWKS"));
        Files.writeString(file, "not json", StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> IssuerKeys.create(settings(file.toString())));
        Files.writeString(file, "{\"keys\":[]}" + " ".repeat(IssuerKeys.MAX_BYTES), StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> IssuerKeys.create(settings(file.toString())));
    }

    @Test
    void locationIsLoggedWithoutCredentials() {
        assertThat(
                IssuerKeys.describe(settings("https://user:secret@idp.example:8443/keys?token=x#f")),
                is("https://idp.example:8443/keys"));
    }

    private String reason(String token) {
        return ((Invalid) verifier.verify(token)).reason();
    }

    private static Set<String> scopes(JwtVerifier.Outcome outcome) {
        return ((Valid) outcome).scopes();
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

    /** Signed by a key of nobody's, under a new made-up key id each time. */
    private String unknownKid() {
        try {
            return TestIssuer.sign(
                    new RSASSASigner(STRANGER),
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID("made-up-" + System.nanoTime())
                            .build(),
                    c -> {});
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JwtVerifier verifier(String jwks, boolean requireAtJwt) {
        AuthSettings.JwtSettings settings = settings(jwks, Duration.ofMinutes(15), MIN_INTERVAL, requireAtJwt);
        return new JwtVerifier(settings, IssuerKeys.create(settings));
    }

    private static AuthSettings.JwtSettings settings(String jwks) {
        return settings(jwks, Duration.ofMinutes(15), MIN_INTERVAL, false);
    }

    private static AuthSettings.JwtSettings settings(
            String jwks, Duration maxAge, Duration minInterval, boolean requireAtJwt) {
        return new AuthSettings.JwtSettings(
                jwks,
                TestIssuer.ISSUER,
                TestIssuer.AUDIENCE,
                TestIssuer.WRITE,
                Duration.ofSeconds(30),
                maxAge,
                minInterval,
                Duration.ofMillis(500),
                requireAtJwt);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

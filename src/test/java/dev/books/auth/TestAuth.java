package dev.books.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Credentials for the tests of the write protection: a tokens file in a temporary directory (two random tokens, one
 * of them listed as its SHA-256), a {@link TestIssuer}, and the configuration of each mode. Remembers every token it
 * handed out, so that tests can prove none of them reached a log.
 */
public final class TestAuth implements AutoCloseable {
    private final Path dir;
    private final Path tokensFile;
    private final TestIssuer issuer;
    private final String staticToken;
    private final String hashedToken;
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    /** Which credentials the service accepts. */
    public enum Mode {
        /** The tokens file only. */
        TOKENS,
        /** JWT only. */
        JWT,
        /** Both. */
        BOTH
    }

    private TestAuth(Path dir, TestIssuer issuer) {
        this.dir = dir;
        this.tokensFile = dir.resolve("api_tokens");
        this.issuer = issuer;
        this.staticToken = remember(newToken());
        this.hashedToken = remember(newToken());
        writeTokens("# editors of the catalogue", "", staticToken, "sha256:" + sha256Hex(hashedToken));
    }

    /**
     * Creates the tokens file and starts the issuer.
     *
     * @return credentials
     */
    public static TestAuth start() {
        try {
            return new TestAuth(Files.createTempDirectory("books-auth-"), TestIssuer.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The service's configuration (application.yaml) with write protection in a mode.
     *
     * @param mode         which credentials are accepted
     * @param protectReads whether reads need a token too
     * @return configuration
     */
    public Config config(Mode mode, boolean protectReads) {
        Map<String, String> auth = new HashMap<>();
        if (mode != Mode.JWT) {
            auth.put("books.auth.tokens-file", tokensFile.toString());
        }
        if (mode != Mode.TOKENS) {
            auth.put("books.auth.jwt.jwks", issuer.jwksUrl());
            auth.put("books.auth.jwt.issuer", TestIssuer.ISSUER);
            auth.put("books.auth.jwt.audience", TestIssuer.AUDIENCE);
            // The least interval allowed: a rotated key is fetched soon (the rate limit has its own unit test).
            auth.put("books.auth.jwt.jwks-min-refresh-interval", "PT1S");
        }
        auth.put("books.auth.protect-reads", Boolean.toString(protectReads));
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(auth))
                .addSource(ConfigSources.classpath("application.yaml"))
                .build();
    }

    /**
     * A token written as such in the tokens file.
     *
     * @return token
     */
    public String staticToken() {
        return staticToken;
    }

    /**
     * A token listed in the tokens file as {@code sha256:<hex>} only.
     *
     * @return token
     */
    public String hashedToken() {
        return hashedToken;
    }

    /**
     * The issuer.
     *
     * @return issuer
     */
    public TestIssuer issuer() {
        return issuer;
    }

    /**
     * The tokens file.
     *
     * @return path
     */
    public Path tokensFile() {
        return tokensFile;
    }

    /**
     * Replaces the content of the tokens file (in place, as an operator editing it would).
     *
     * @param lines new lines
     */
    public void writeTokens(String... lines) {
        try {
            Files.writeString(tokensFile, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Notes a token so that {@link #secrets()} includes it.
     *
     * @param token token
     * @return the same token
     */
    public String remember(String token) {
        secrets.add(token);
        return token;
    }

    /**
     * Every token handed out or noted.
     *
     * @return tokens
     */
    public Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    /**
     * A new random token (32 random bytes, base64url).
     *
     * @return token
     */
    public static String newToken() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(TestIssuer.randomBytes(32));
    }

    /**
     * The SHA-256 of a token in hexadecimal, as a {@code sha256:} line wants it.
     *
     * @param token token
     * @return 64 hex digits
     */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(TokenFile.sha256(token));
    }

    @Override
    public void close() {
        issuer.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

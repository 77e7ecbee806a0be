package dev.books.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuthSettingsTest {

    @Test
    void defaultsLeaveWritesOpen() {
        AuthSettings settings = AuthSettings.create(
                Config.create(ConfigSources.classpath("application.yaml")).get("books.auth"));
        assertThat(settings.enabled(), is(false));
        assertThat(settings.protectReads(), is(false));
        assertThat(settings.jwt().isPresent(), is(false));
    }

    @Test
    void jwtDefaults() {
        AuthSettings settings = settings(Map.of(
                "jwt.jwks", "https://idp.example/jwks", "jwt.issuer", "https://idp.example/", "jwt.audience", "books"));
        AuthSettings.JwtSettings jwt = settings.jwt().orElseThrow();
        assertThat(settings.enabled(), is(true));
        assertThat(jwt.jwksIsUrl(), is(true));
        assertThat(jwt.writeScope(), is("books:write"));
        assertThat(jwt.clockSkew(), is(Duration.ofSeconds(30)));
        assertThat(jwt.jwksMaxAge(), is(Duration.ofMinutes(15)));
        assertThat(jwt.jwksMinRefreshInterval(), is(Duration.ofSeconds(30)));
        assertThat(jwt.jwksTimeout(), is(Duration.ofSeconds(5)));
        assertThat(
                settings(Map.of("jwt.jwks", "/etc/jwks.json", "jwt.issuer", "i", "jwt.audience", "a"))
                        .jwt()
                        .orElseThrow()
                        .jwksIsUrl(),
                is(false));
    }

    @Test
    void contradictionsStopTheStartWithTheKeyNamed() {
        assertThat(failure(Map.of("jwt.jwks", "/k", "jwt.audience", "a")), containsString("BOOKS_AUTH_JWT_ISSUER"));
        assertThat(failure(Map.of("jwt.jwks", "/k", "jwt.issuer", "i")), containsString("BOOKS_AUTH_JWT_AUDIENCE"));
        assertThat(failure(Map.of("protect-reads", "true")), containsString("BOOKS_AUTH_PROTECT_READS"));
        assertThat(
                failure(Map.of("jwt.jwks", "/k", "jwt.issuer", "i", "jwt.audience", "a", "jwt.write-scope", "a b")),
                containsString("write-scope"));
        assertThat(
                failure(Map.of("jwt.jwks", "/k", "jwt.issuer", "i", "jwt.audience", "a", "jwt.clock-skew", "-PT1S")),
                containsString("clock-skew"));
        assertThat(
                failure(Map.of("jwt.jwks", "/k", "jwt.issuer", "i", "jwt.audience", "a", "jwt.jwks-timeout", "soon")),
                containsString("jwks-timeout"));
    }

    @Test
    void keysComeOverTlsFromThisHostOrFromAFile() {
        for (String jwks : List.of(
                "https://idp.example/jwks",
                "HTTPS://idp.example/jwks",
                "http://localhost:8080/jwks",
                "http://127.0.0.1/jwks",
                "http://127.1.2.3:9000/jwks",
                "http://[::1]/jwks",
                "/etc/books/jwks.json",
                "jwks.json")) {
            assertThat(jwks, jwtSettings(Map.of("jwt.jwks", jwks)).jwks(), is(jwks));
        }
        for (String jwks : List.of(
                "http://idp.example/jwks",
                "http://10.0.0.1/jwks",
                "http://localhost.evil.example/jwks",
                "http://127.0.0.1.nip.io/jwks",
                "ftp://idp.example/jwks",
                "file:///etc/jwks.json")) {
            String message = failure(Map.of("jwt.jwks", jwks, "jwt.issuer", "i", "jwt.audience", "a"));
            assertThat(jwks, message, containsString("BOOKS_AUTH_JWT_JWKS"));
            assertThat(jwks, message, containsString("https://"));
            assertThat("one line", message.contains("\n"), is(false));
        }
    }

    @Test
    void minimumRefreshIntervalBelowOneSecondIsRefused() {
        for (String interval : List.of("PT0S", "PT0.5S")) {
            assertThat(
                    failure(Map.of(
                            "jwt.jwks",
                            "/k",
                            "jwt.issuer",
                            "i",
                            "jwt.audience",
                            "a",
                            "jwt.jwks-min-refresh-interval",
                            interval)),
                    containsString("jwks-min-refresh-interval must be at least PT1S"));
        }
        assertThat(
                jwtSettings(Map.of("jwt.jwks-min-refresh-interval", "PT1S")).jwksMinRefreshInterval(),
                is(Duration.ofSeconds(1)));
    }

    @Test
    void requiredRefusesToStartWithoutCredentials() {
        String message = failure(Map.of("required", "true"));
        assertThat(message, containsString("BOOKS_AUTH_REQUIRED"));
        assertThat(message, containsString("BOOKS_AUTH_TOKENS_FILE"));
        assertThat(message, containsString("BOOKS_AUTH_JWT_JWKS"));
        assertThat(message.contains("\n"), is(false));
        assertThat(
                settings(Map.of("required", "true", "tokens-file", "/run/secrets/t"))
                        .required(),
                is(true));
        assertThat(settings(Map.of()).required(), is(false));
    }

    @Test
    void atJwtIsRequiredOnlyWhenAskedFor() {
        assertThat(jwtSettings(Map.of()).requireAtJwt(), is(false));
        assertThat(jwtSettings(Map.of("jwt.require-at-jwt", "true")).requireAtJwt(), is(true));
    }

    private static AuthSettings.JwtSettings jwtSettings(Map<String, String> extra) {
        Map<String, String> values = new java.util.HashMap<>(
                Map.of("jwt.jwks", "https://idp.example/jwks", "jwt.issuer", "i", "jwt.audience", "a"));
        values.putAll(extra);
        return settings(values).jwt().orElseThrow();
    }

    private static String failure(Map<String, String> values) {
        return assertThrows(IllegalStateException.class, () -> settings(values)).getMessage();
    }

    /** These values over the defaults of application.yaml. */
    private static AuthSettings settings(Map<String, String> values) {
        return AuthSettings.create(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .addSource(ConfigSources.create(Config.create(ConfigSources.classpath("application.yaml"))
                        .get("books.auth")
                        .detach()))
                .build());
    }
}

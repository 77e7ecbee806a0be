package dev.books.auth;

import java.time.Duration;
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

    private static String failure(Map<String, String> values) {
        return assertThrows(IllegalStateException.class, () -> settings(values)).getMessage();
    }

    private static AuthSettings settings(Map<String, String> values) {
        return AuthSettings.create(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .build());
    }
}

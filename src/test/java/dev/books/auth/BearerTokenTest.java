package dev.books.auth;

import java.util.List;

import dev.books.auth.BearerToken.Absent;
import dev.books.auth.BearerToken.Malformed;
import dev.books.auth.BearerToken.Token;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class BearerTokenTest {

    @Test
    void readsTheAuthorizationHeader() {
        assertThat(BearerToken.from(List.of()), is(new Absent()));
        assertThat(BearerToken.from(List.of("Basic dXNlcjpwdw==")), is(new Absent()));
        assertThat(BearerToken.from(List.of("Bearer")), is(new Malformed()));
        assertThat(BearerToken.from(List.of("Bearer   ")), is(new Malformed()));
        assertThat(BearerToken.from(List.of("Bearer a,b")), is(new Malformed()));
        assertThat(BearerToken.from(List.of("Bearer a", "Bearer b")), is(new Malformed()));
        assertThat(BearerToken.from(List.of("bearer abc")), is(new Token("abc")));
        assertThat(BearerToken.from(List.of("Bearers abc")), is(new Absent()));
        // ASCII case only: no Unicode case folding of the scheme.
        assertThat(BearerToken.from(List.of("Bear\u0130r abc")), is(new Absent()));
        assertThat(BearerToken.from(List.of("  BEARER   a.b-c_d~e+f/g==  ")), is(new Token("a.b-c_d~e+f/g==")));
        assertThat("never prints the token", new Token("secret").toString().contains("secret"), is(false));
    }

    @Test
    void tokenSyntax() {
        assertThat(BearerToken.isWellFormed("abc=="), is(true));
        assertThat(BearerToken.isWellFormed("=="), is(false));
        assertThat(BearerToken.isWellFormed("a=b"), is(false));
        assertThat(BearerToken.isWellFormed("a b"), is(false));
        assertThat(BearerToken.isWellFormed("sha256:ab"), is(false));
        assertThat(BearerToken.isWellFormed(""), is(false));
    }
}

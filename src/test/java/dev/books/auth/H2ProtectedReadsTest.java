package dev.books.auth;

import dev.books.Api;
import dev.books.TestDatabase;
import dev.books.TestService;
import dev.books.auth.TestAuth.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * {@code books.auth.protect-reads=true}: reading books needs a valid token as well (any valid one: the write scope
 * is for writes), while health, metrics and the OpenAPI document stay open.
 */
class H2ProtectedReadsTest {
    private static TestAuth auth;
    private static TestService service;
    private static Api api;

    @BeforeAll
    static void start() {
        auth = TestAuth.start();
        service = TestService.start(TestDatabase.h2(), auth.config(Mode.BOTH, true));
        api = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
        auth.close();
    }

    @Test
    void readsNeedAToken() {
        for (String path : new String[] {"/books", "/books/1", "/books/?limit=1"}) {
            Api.Response res = api.get(path);
            assertThat(path, res.status(), is(401));
            assertThat(res.header("WWW-Authenticate").orElse(""), is("Bearer realm=\"books\""));
        }
        assertThat(
                api.get("/books/1", "Authorization", "Bearer " + TestAuth.newToken())
                        .header("WWW-Authenticate")
                        .orElse(""),
                is("Bearer realm=\"books\", error=\"invalid_token\""));
    }

    @Test
    void anyValidTokenReads() {
        assertThat(
                api.get("/books/1", "Authorization", "Bearer " + auth.staticToken())
                        .status(),
                is(200));
        String reader = auth.issuer().token("books:read");
        assertThat(api.get("/books", "Authorization", "Bearer " + reader).status(), is(200));
        assertThat(
                "but the write scope is still needed to write",
                api.delete("/books/1", "Authorization", "Bearer " + reader).status(),
                is(403));
    }

    @Test
    void probesMetricsAndTheDocumentStayOpen() {
        assertThat(api.get("/observe/health/ready").status(), is(200));
        assertThat(api.get("/observe/health/live").status(), is(200));
        assertThat(api.get("/observe/metrics", "Accept", "text/plain").status(), is(200));
        assertThat(api.get("/openapi").status(), is(200));
    }
}

package dev.books.openapi;

import dev.books.Api;
import dev.books.Api.Response;
import dev.books.Main;
import dev.books.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Swagger UI as {@link Main#setup} serves it: our page and initializer, the webjar's assets, nothing from the
 * internet. (The page itself is tried in a browser by src/test/browser/swagger-ui.test.mjs.)
 */
class SwaggerUiTest {
    private static TestService service;

    private final Api api = service.api();

    @BeforeAll
    static void start() {
        service = TestService.h2();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void pathWithoutSlashRedirectsToTheDirectory() {
        Response res = api.get("/openapi/ui");

        assertThat(res.status(), is(301));
        assertThat(res.header("Location").orElse(""), is("/openapi/ui/"));
    }

    @Test
    void pageIsOursAndLoadsOnlyLocalScripts() {
        Response res = api.get("/openapi/ui/");

        assertThat(res.status(), is(200));
        assertThat(res.mediaType(), is("text/html"));
        assertThat(res.body(), containsString("<title>books API</title>"));
        assertThat(res.body(), containsString("src=\"./swagger-ui-bundle.js\""));
        assertThat(res.body(), not(containsString("http")));
    }

    @Test
    void initializerPointsAtTheServicesDocumentAndNotAtTheInternet() {
        Response res = api.get("/openapi/ui/swagger-initializer.js");

        assertThat(res.status(), is(200));
        assertThat(res.body(), containsString("url: \"/openapi\""));
        assertThat(res.body(), containsString("validatorUrl: null"));
        assertThat(res.body(), not(containsString("petstore")));
    }

    @Test
    void assetsComeFromTheWebjar() {
        Response bundle = api.get("/openapi/ui/swagger-ui-bundle.js");
        Response css = api.get("/openapi/ui/swagger-ui.css");

        assertThat(bundle.status(), is(200));
        assertThat(bundle.mediaType(), is("text/javascript"));
        assertThat(bundle.body().length(), greaterThan(1_000_000));
        assertThat(css.status(), is(200));
        assertThat(css.mediaType(), is("text/css"));
        assertThat(SwaggerUi.webjarVersion(), SwaggerUi.webjarVersion().matches("[0-9]+\\.[0-9]+\\.[0-9]+"), is(true));
    }

    @Test
    void unknownFileIsAJsonNotFoundAndTheDocumentStaysAtOpenapi() {
        Response missing = api.get("/openapi/ui/no-such-file.js");
        Response escape = api.send("GET", "/openapi/ui/..%2F..%2Fapplication.yaml", null, null);

        assertThat(missing.status(), is(404));
        assertThat(missing.mediaType(), is("application/problem+json"));
        assertThat(escape.status(), not(is(200)));
        assertThat(api.get("/openapi").status(), is(200));
    }
}

package dev.books;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;

/**
 * The OpenAPI conformance traffic of {@link H2OpenApiTest} through Stoplight Prism, a validating proxy we did not
 * write: an answer Prism finds in breach of the document fails like one our own check finds. Not part of
 * {@code ./mvnw verify} (it needs node and the pinned Prism): src/test/contract/third-party-check.sh runs it.
 */
class H2PrismOpenApiCheck extends H2OpenApiTest {
    private static final Map<URI, PrismProxy> PROXIES = new HashMap<>();

    @AfterAll
    static void stopPrism() {
        PROXIES.values().forEach(PrismProxy::close);
        PROXIES.clear();
    }

    @Override
    protected Api through(Api direct) {
        return PrismProxy.through(PROXIES, direct);
    }
}

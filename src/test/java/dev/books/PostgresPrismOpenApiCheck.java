package dev.books;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;

/**
 * The OpenAPI conformance traffic of {@link PostgresOpenApiTest} (with its database outage) through Stoplight
 * Prism, as {@link H2PrismOpenApiCheck} does on H2. Run by src/test/contract/third-party-check.sh.
 */
class PostgresPrismOpenApiCheck extends PostgresOpenApiTest {
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

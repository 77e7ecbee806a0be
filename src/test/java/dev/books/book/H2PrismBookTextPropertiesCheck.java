package dev.books.book;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import dev.books.Api;
import dev.books.PrismProxy;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The text and number properties of {@link H2BookTextPropertiesTest} through Stoplight Prism: every generated
 * title, author and filter, in and beyond the BMP, blank-looking or not, also judged by a validator we did not
 * write. Run by src/test/contract/third-party-check.sh.
 */
class H2PrismBookTextPropertiesCheck extends H2BookTextPropertiesTest {
    private static final Map<URI, PrismProxy> PROXIES = new HashMap<>();

    @AfterContainer
    static void stopPrism() {
        PROXIES.values().forEach(PrismProxy::close);
        PROXIES.clear();
    }

    @Override
    protected Api api() {
        return PrismProxy.through(PROXIES, super.api());
    }
}

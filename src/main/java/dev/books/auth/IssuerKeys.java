package dev.books.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.concurrent.Executors;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

/**
 * The token issuer's public keys (a JWK set) from a URL or a file, as a nimbus {@link JWKSource} built by
 * {@link JWKSourceBuilder}: cached for {@code jwks-max-age} and fetched again in the background shortly before
 * (refresh ahead, so requests do not wait for the issuer), fetched at once for an unknown key id but at most once
 * per {@code jwks-min-refresh-interval}, and kept when a fetch fails (an outage of the issuer keeps the last good
 * set). A response is read up to {@link #MAX_BYTES} and no further; redirects are not followed.
 */
final class IssuerKeys {
    private static final System.Logger LOGGER = System.getLogger(IssuerKeys.class.getName());
    /** A JWK set is a few KiB; anything much larger is not one. */
    static final int MAX_BYTES = 1024 * 1024;

    private IssuerKeys() {}

    /**
     * The key source, with a first fetch done. Throws {@link IllegalStateException} for a file that is not a readable
     * JWK set, or intervals that contradict each other.
     */
    static JWKSource<SecurityContext> create(AuthSettings.JwtSettings settings) {
        String location = describe(settings);
        int timeout = (int) settings.jwksTimeout().toMillis();
        long maxAge = settings.jwksMaxAge().toMillis();
        JWKSource<SecurityContext> source;
        try {
            source = JWKSourceBuilder.<SecurityContext>create(url(settings), new NoRedirects(timeout))
                    .cache(maxAge, 2L * timeout)
                    // A background refresh (virtual threads) starts a quarter of the maximum age before the set
                    // expires, whether requests come or not.
                    .refreshAheadCache(
                            maxAge / 4,
                            null,
                            Executors.newVirtualThreadPerTaskExecutor(),
                            true,
                            Executors.newSingleThreadScheduledExecutor(
                                    Thread.ofVirtual().factory()),
                            true)
                    .rateLimited(settings.jwksMinRefreshInterval().toMillis())
                    .retrying(false)
                    .outageTolerant(
                            Long.MAX_VALUE,
                            event -> LOGGER.log(
                                    Level.WARNING,
                                    "Cannot load the JWK set " + location + " ("
                                            + (event instanceof OutageTolerantJWKSetSource.OutageEvent<?> outage
                                                    ? outage.getException()
                                                    : event)
                                            + "); keeping the keys loaded before"))
                    .build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException(
                    "books.auth.jwt.jwks-max-age must be longer than "
                            + "jwks-min-refresh-interval and than four times jwks-timeout: " + e.getMessage(),
                    e);
        }
        try {
            int count = source.get(new JWKSelector(new JWKMatcher.Builder().build()), null)
                    .size();
            LOGGER.log(Level.DEBUG, () -> "JWK set " + location + " loaded: " + count + " key(s)");
        } catch (KeySourceException e) {
            if (!settings.jwksIsUrl()) {
                // A file is part of the deployment: a broken one is a configuration error.
                throw new IllegalStateException(
                        "Cannot read the JWK set " + location + " (books.auth.jwt.jwks / BOOKS_AUTH_JWT_JWKS): "
                                + e.getMessage(),
                        e);
            }
            // An issuer that is down at start-up is not: its tokens are refused until its keys can be fetched.
            LOGGER.log(
                    Level.WARNING,
                    "Cannot load the JWK set " + location + " (" + e.getMessage()
                            + "); JWTs are refused until it can be loaded");
        }
        return source;
    }

    /** Where the keys come from, for logs: the URL without user information, query or fragment, or the file. */
    static String describe(AuthSettings.JwtSettings settings) {
        if (!settings.jwksIsUrl()) {
            return settings.jwks();
        }
        URI uri = URI.create(settings.jwks());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static URL url(AuthSettings.JwtSettings settings) {
        try {
            return settings.jwksIsUrl()
                    ? URI.create(settings.jwks()).toURL()
                    : Path.of(settings.jwks()).toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("books.auth.jwt.jwks (BOOKS_AUTH_JWT_JWKS) is not a URL or file", e);
        }
    }

    /** nimbus' retriever (size limit enforced while reading, time-outs), without following redirects. */
    private static final class NoRedirects extends DefaultResourceRetriever {
        NoRedirects(int timeoutMillis) {
            // Disconnect after use: a refused (too large) answer is not drained for keep-alive.
            super(timeoutMillis, timeoutMillis, MAX_BYTES, true);
        }

        @Override
        protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
            // A redirect could lead to plain http or another host: the key set's location is configured, not found.
            HttpURLConnection connection = super.openHTTPConnection(url);
            connection.setInstanceFollowRedirects(false);
            return connection;
        }
    }
}

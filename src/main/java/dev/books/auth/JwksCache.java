package dev.books.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The token issuer's public keys (a JWK set), fetched from a URL or read from a file, and kept in memory.
 *
 * <p>The set is fetched again when it is older than the maximum age (keys the issuer withdrew stop being trusted)
 * and when a token names a key id the set does not hold (the issuer rotated its keys). Fetches are at least the
 * minimum refresh interval apart, whatever the traffic: tokens with made-up key ids cannot turn the service into a
 * flood of requests to the issuer. A failed fetch keeps the keys there are. Only public keys are kept.
 */
final class JwksCache {
    private static final System.Logger LOGGER = System.getLogger(JwksCache.class.getName());
    /** A JWK set is a few KiB; anything much larger is not one. */
    private static final int MAX_BYTES = 1024 * 1024;

    private final Loader loader;
    private final String location;
    private final long maxAgeNanos;
    private final long minIntervalNanos;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile List<JWK> keys = List.of();
    private volatile long loadedAt;
    private long lastAttempt;
    private boolean failing;

    /** Where the key set comes from. */
    @FunctionalInterface
    interface Loader {
        /**
         * Reads the key set once.
         *
         * @return its JSON text
         * @throws IOException when it cannot be read
         */
        String load() throws IOException;
    }

    JwksCache(Loader loader, String location, Duration maxAge, Duration minInterval, LongSupplier nanoClock) {
        this.loader = loader;
        this.location = location;
        this.maxAgeNanos = maxAge.toNanos();
        this.minIntervalNanos = minInterval.toNanos();
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.loadedAt = now;
        this.lastAttempt = now - minIntervalNanos;
    }

    /**
     * The cache for the configured location, with a first fetch done.
     *
     * @param settings JWT settings
     * @return the cache
     * @throws IllegalStateException when the location is a file that cannot be read or is not a JWK set
     */
    static JwksCache create(AuthSettings.JwtSettings settings) {
        Loader loader;
        String location;
        if (settings.jwksIsUrl()) {
            URI uri = URI.create(settings.jwks());
            location = describe(uri);
            loader = httpLoader(uri, settings.jwksTimeout());
        } else {
            Path file = Path.of(settings.jwks());
            location = file.toString();
            loader = () -> readFile(file);
        }
        JwksCache cache = new JwksCache(
                loader, location, settings.jwksMaxAge(), settings.jwksMinRefreshInterval(), System::nanoTime);
        if (!cache.refresh() && !settings.jwksIsUrl()) {
            // A file is part of the deployment: a broken one is a configuration error. An issuer that is down at
            // start-up is not; tokens are refused until its keys can be fetched.
            throw new IllegalStateException("Cannot read the JWK set " + location
                    + " (books.auth.jwt.jwks / BOOKS_AUTH_JWT_JWKS): see the warning above");
        }
        return cache;
    }

    /**
     * The keys, fetched again first when they are older than the maximum age (and a fetch is allowed).
     *
     * @return public keys
     */
    List<JWK> keys() {
        if (nanoClock.getAsLong() - loadedAt > maxAgeNanos) {
            refresh();
        }
        return keys;
    }

    /**
     * Fetches the set now, unless the last fetch is more recent than the minimum interval. Concurrent callers wait
     * for one fetch and share its result.
     *
     * @return {@code true} when the keys are as fresh as allowed (fetched now or within the interval) and usable
     */
    boolean refresh() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            if (now - lastAttempt < minIntervalNanos) {
                return !failing;
            }
            lastAttempt = now;
            try {
                keys = parse(loader.load());
                loadedAt = now;
                if (failing) {
                    LOGGER.log(Level.INFO, "JWK set " + location + " is readable again: " + keys.size() + " key(s)");
                }
                failing = false;
                LOGGER.log(Level.DEBUG, () -> "JWK set " + location + " loaded: " + keys.size() + " key(s)");
                return true;
            } catch (IOException | ParseException | RuntimeException e) {
                if (!failing) {
                    LOGGER.log(
                            Level.WARNING,
                            "Cannot load the JWK set " + location + " ("
                                    + e.getClass().getSimpleName() + ": "
                                    + e.getMessage() + "); keeping the " + keys.size()
                                    + " key(s) loaded before. JWTs signed by other keys are refused.");
                }
                failing = true;
                return false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Only public keys: a private or symmetric key in the set is never used (and no HMAC secret can sneak in). */
    private static List<JWK> parse(String json) throws ParseException {
        return JWKSet.parse(json).toPublicJWKSet().getKeys();
    }

    private static String readFile(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static Loader httpLoader(URI uri, Duration timeout) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        if ("http".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
            LOGGER.log(
                    Level.WARNING,
                    "The JWK set is fetched over plain http (" + describe(uri)
                            + "): anyone on the way could replace the keys. Use https.");
        }
        return () -> {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Accept", "application/jwk-set+json, application/json")
                    .GET()
                    .build();
            // The request time-out ends with the response headers; the whole exchange is bounded here as well, so a
            // slow body cannot hold the refresh (and the requests waiting for it).
            CompletableFuture<HttpResponse<byte[]>> exchange =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> response;
            try {
                response = exchange.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                exchange.cancel(true);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (TimeoutException e) {
                exchange.cancel(true);
                throw new IOException("no complete answer within " + timeout.multipliedBy(2), e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            if (response.body().length > MAX_BYTES) {
                throw new IOException("larger than " + MAX_BYTES + " bytes");
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        };
    }

    private static boolean isLoopback(String host) {
        return "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host) || "::1".equals(host);
    }

    /** The URL without user information, query or fragment, for logs. */
    static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /**
     * Where the keys come from, for logs.
     *
     * @return URL (without credentials or query) or file
     */
    String location() {
        return location;
    }
}

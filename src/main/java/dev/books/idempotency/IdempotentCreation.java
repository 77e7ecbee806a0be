package dev.books.idempotency;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.books.auth.Caller;
import dev.books.db.Sql;
import dev.books.http.ProblemType;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Creation at most once per {@code Idempotency-Key} and caller: of concurrent requests with the same key, on any number of
 * service instances, one creates the resource and the others get its answer. The key, a hash of the request and
 * the first answer live in the {@code idempotency_keys} table, in the same transaction as the creation, and are
 * forgotten after {@code books.idempotency-ttl}. Each caller ({@link Caller}) has keys of its own: another token
 * holder's same key neither replays this caller's book nor blocks its key.
 */
public final class IdempotentCreation {
    public static final HeaderName KEY_HEADER = HeaderNames.create("Idempotency-Key");
    /** Marks an answer replayed to a retry. */
    public static final HeaderName REPLAYED_HEADER = HeaderNames.create("Idempotent-Replayed");

    private static final System.Logger LOGGER = System.getLogger(IdempotentCreation.class.getName());
    private static final int MAX_KEY_LENGTH = 255;
    private static final int MAX_ATTEMPTS = 250;

    private final Sql sql;
    private final Duration ttl;

    public IdempotentCreation(Sql sql, Duration ttl) {
        this.sql = sql;
        this.ttl = ttl;
    }

    /** The request's key, if any; 400 when it is not 1 to 255 visible ASCII characters. */
    public static Optional<String> key(ServerRequest req) {
        Optional<String> key = req.headers().first(KEY_HEADER);
        key.ifPresent(IdempotentCreation::requireValid);
        return key;
    }

    /**
     * SHA-256 of the validated request values, in order, as text: a retry with the same content in other formatting
     * is still a retry. Trailing {@code null}s are left out, so an optional field added at the end does not change
     * the hash of requests that do not use it.
     */
    public static String hash(Object... values) {
        int end = values.length;
        while (end > 0 && values[end - 1] == null) {
            end--;
        }
        String joined = Arrays.stream(values, 0, end).map(String::valueOf).collect(Collectors.joining("\0"));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /**
     * Creates once per caller and key: {@code create} runs in the key's transaction, or the outcome of an earlier
     * request with this key is returned; 422 when the key was used for a request of another {@code hash}.
     */
    public Outcome create(Caller caller, String key, String hash, Sql.Work<Outcome> create) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long expiredBefore = System.currentTimeMillis() - ttl.toMillis();
            Optional<Outcome> created = sql.transaction(tx -> {
                tx.update("delete-expired-idempotency-key", caller.id(), key, expiredBefore);
                if (tx.update("claim-idempotency-key", caller.id(), key, hash, System.currentTimeMillis()) != 1) {
                    return Optional.empty();
                }
                Outcome outcome = create.run(tx);
                tx.update("complete-idempotency-key", outcome.id(), outcome.body(), caller.id(), key);
                return Optional.of(outcome);
            });
            if (created.isPresent()) {
                return created.get();
            }
            Optional<Stored> existing = sql.one("get-idempotency-key", Stored::read, caller.id(), key);
            if (existing.isPresent() && !sameHash(existing.get().hash(), hash)) {
                throw ProblemType.IDEMPOTENCY_KEY_REUSED.exception(
                        "This Idempotency-Key was already used for a different request; use a new key.");
            }
            if (existing.isPresent() && existing.get().body() != null) {
                return new Outcome(existing.get().id(), existing.get().body(), true);
            }
            // The first request with this key has not committed yet (databases that do not make the claim wait),
            // or its key expired and was purged meanwhile: look again shortly.
            pause();
        }
        throw new DbClientException("Idempotency key " + key + " stayed unresolved");
    }

    /** Forgets expired keys every ten minutes, once {@code ready}; safe on every instance. */
    public ScheduledExecutorService purgeExpiredKeys(BooleanSupplier ready) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("idempotency-purge").factory());
        scheduler.scheduleWithFixedDelay(() -> purge(ready), 1, 10, TimeUnit.MINUTES);
        return scheduler;
    }

    private void purge(BooleanSupplier ready) {
        try {
            if (ready.getAsBoolean()) {
                sql.update("purge-idempotency-keys", System.currentTimeMillis() - ttl.toMillis());
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "Purging expired idempotency keys failed: " + e.getMessage());
        }
    }

    private static void requireValid(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ProblemType.INVALID_IDEMPOTENCY_KEY.exception(
                    "An Idempotency-Key is 1 to " + MAX_KEY_LENGTH + " visible ASCII characters, e.g. a UUID.");
        }
    }

    /** Constant-time comparison: the stored hash is not to be probed byte by byte. */
    private static boolean sameHash(String stored, String hash) {
        return MessageDigest.isEqual(
                stored.strip().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DbClientException("Interrupted while waiting for an idempotency key", e);
        }
    }

    /** What a request with a key got; {@code replayed} when an earlier request created it. */
    public record Outcome(long id, String body, boolean replayed) {}

    private record Stored(String hash, long id, String body) {
        static Stored read(ResultSet rs) throws SQLException {
            return new Stored(rs.getString("request_hash"), rs.getLong("book_id"), rs.getString("response"));
        }
    }
}

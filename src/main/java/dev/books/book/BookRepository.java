package dev.books.book;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbColumn;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbResultDml;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * Books in the database. All SQL is in the named statements of {@code db.statements} (application.yaml),
 * always with bound parameters.
 */
public final class BookRepository {
    private static final int MAX_KEY_ATTEMPTS = 250;

    private final DbClient db;

    /**
     * Creates the repository.
     *
     * @param db database client
     */
    public BookRepository(DbClient db) {
        this.db = db;
    }

    /**
     * Finds a book.
     *
     * @param id book id
     * @return the book, if it exists
     */
    public Optional<Book> find(long id) {
        return db.execute().namedGet("get-book", id).map(BookRepository::book);
    }

    /**
     * A page of books in ascending id order.
     *
     * @param filter filters, all of which must match
     * @param after  only books with a greater id
     * @param limit  maximum number of books
     * @return the books
     */
    public List<Book> list(BookFilter filter, long after, int limit) {
        return db.execute()
                .namedQuery(filter.statementName(), filter.parameters(after, limit))
                .map(BookRepository::book)
                .toList();
    }

    /**
     * Stores a new book.
     *
     * @param book book to store
     * @return the stored book with its id and version 1
     */
    public Book insert(NewBook book) {
        return insert(db.execute(), book);
    }

    /**
     * Stores a new book at most once per idempotency key, in one transaction with the key: of concurrent requests
     * with the same key, on any number of service instances, one creates the book and the others get its answer.
     *
     * @param key           the client's Idempotency-Key
     * @param requestHash   hash of the validated request, to tell a retry from a different request
     * @param book          book to store
     * @param expiredBefore keys created before this instant (epoch milliseconds) are forgotten
     * @param render        the 201 body for a newly created book, stored with the key for replays
     * @return the outcome: a new book, or what an earlier request with this key got
     */
    public KeyedCreation insertOnce(
            String key, String requestHash, NewBook book, long expiredBefore, Function<Book, String> render) {
        for (int attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
            DbTransaction tx = db.transaction();
            KeyedCreation created = null;
            boolean ended = false;
            try {
                tx.namedDelete("delete-expired-idempotency-key", key, expiredBefore);
                if (tx.namedInsert("claim-idempotency-key", key, requestHash, System.currentTimeMillis()) == 1) {
                    Book stored = insert(tx, book);
                    String body = render.apply(stored);
                    tx.namedUpdate("complete-idempotency-key", stored.id(), body, key);
                    created = new KeyedCreation(stored.id(), body, requestHash, false);
                } else {
                    tx.rollback();
                    ended = true;
                }
            } finally {
                if (created == null && !ended) {
                    // A statement failed: release the connection; the statement's exception propagates.
                    rollbackQuietly(tx);
                }
            }
            if (created != null) {
                // Outside the try: a failed commit must not be followed by a rollback that hides its cause.
                tx.commit();
                return created;
            }
            Optional<KeyedCreation> existing = findKey(key);
            if (existing.isPresent()
                    && (existing.get().response() != null || !existing.get().sameRequest(requestHash))) {
                return existing.get();
            }
            // The first request with this key has not committed yet (databases that do not make the claim wait),
            // or its key expired and was purged meanwhile: look again shortly.
            pause();
        }
        throw new DbClientException("Idempotency key " + key + " stayed unresolved");
    }

    /**
     * Forgets idempotency keys older than a cut-off.
     *
     * @param expiredBefore epoch milliseconds
     * @return number of keys removed
     */
    public long purgeIdempotencyKeys(long expiredBefore) {
        return db.execute().namedDelete("purge-idempotency-keys", expiredBefore);
    }

    private Optional<KeyedCreation> findKey(String key) {
        return db.execute().namedGet("get-idempotency-key", key).map(row -> {
            Object bookId = row.column(2).get();
            return new KeyedCreation(
                    bookId == null ? 0 : ((Number) bookId).longValue(),
                    (String) row.column(3).get(),
                    ((String) row.column(1).get()).strip(),
                    true);
        });
    }

    private static Book insert(DbExecute execute, NewBook book) {
        DbResultDml result = execute.createNamedInsert("insert-book")
                .params(book.title(), book.author(), book.year())
                .returnGeneratedKeys()
                .insert();
        try {
            DbRow keys = result.generatedKeys()
                    .findFirst()
                    .orElseThrow(() -> new DbClientException("The database returned no id for a new book"));
            return new Book(number(keys.column("id")), book.title(), book.author(), book.year(), 1);
        } finally {
            release(result);
        }
    }

    /**
     * Writes a book if it still has the version it was read with (optimistic locking).
     *
     * @param book the new state, carrying the version it was read with
     * @return the stored book with its incremented version, or empty if the book changed or vanished meanwhile
     */
    public Optional<Book> update(Book book) {
        long count = db.execute()
                .namedUpdate("update-book", book.title(), book.author(), book.year(), book.id(), book.version());
        if (count == 0) {
            return Optional.empty();
        }
        return Optional.of(new Book(book.id(), book.title(), book.author(), book.year(), book.version() + 1));
    }

    /**
     * Deletes a book.
     *
     * @param id book id
     * @return whether a book was deleted
     */
    public boolean delete(long id) {
        return db.execute().namedDelete("delete-book", id) > 0;
    }

    /**
     * Deletes a book if it has the given version.
     *
     * @param id      book id
     * @param version expected version
     * @return whether a book was deleted
     */
    public boolean delete(long id, int version) {
        return db.execute().namedDelete("delete-book-version", id, version) > 0;
    }

    private static void rollbackQuietly(DbTransaction tx) {
        try {
            tx.rollback();
        } catch (RuntimeException e) {
            // The connection is already broken; the original failure is what matters.
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DbClientException("Interrupted while waiting for an idempotency key", e);
        }
    }

    private static Book book(DbRow row) {
        return new Book(
                number(row.column(1)),
                (String) row.column(2).get(),
                (String) row.column(3).get(),
                (int) number(row.column(4)),
                (int) number(row.column(5)));
    }

    private static long number(DbColumn column) {
        // Integer or Long depending on the driver and column type.
        return ((Number) column.get()).longValue();
    }

    private static void release(DbResultDml result) {
        try {
            result.close();
        } catch (Exception e) {
            throw new DbClientException("Failed to release the database connection", e);
        }
    }
}

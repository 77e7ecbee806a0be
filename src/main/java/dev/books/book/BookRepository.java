package dev.books.book;

import java.util.List;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbColumn;
import io.helidon.dbclient.DbResultDml;
import io.helidon.dbclient.DbRow;

/**
 * Books in the database. All SQL is in the named statements of {@code db.statements} (application.yaml),
 * always with bound parameters.
 */
public final class BookRepository {
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
     * @param after only books with a greater id
     * @param limit maximum number of books
     * @return the books
     */
    public List<Book> list(long after, int limit) {
        return db.execute()
                .namedQuery("list-books", after, limit)
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
        DbResultDml result = db.execute()
                .createNamedInsert("insert-book")
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

package dev.books.book;

import java.util.List;
import java.util.Optional;

import dev.books.db.Sql;

/**
 * Books in the database. All SQL is in the named statements of {@code db.statements} (application.yaml), always
 * with bound parameters; rows become books in {@link Book#read}.
 */
final class BookRepository {
    private final Sql sql;

    /**
     * Creates the repository.
     *
     * @param sql statements
     */
    BookRepository(Sql sql) {
        this.sql = sql;
    }

    /**
     * Finds a book.
     *
     * @param id book id
     * @return the book, if it exists
     */
    Optional<Book> find(long id) {
        return sql.one("get-book", Book::read, id);
    }

    /**
     * A page of books in ascending id order.
     *
     * @param filter filters, all of which must match
     * @param after  only books with a greater id
     * @param limit  maximum number of books
     * @return the books
     */
    List<Book> list(BookFilter filter, long after, int limit) {
        String statement = filter.statement();
        Object[] params = filter.parameters(after, limit);
        // How many books a search term matches decides its best plan (walk the ids, or the trigram index), so a
        // search is planned for its own term every time (docs/performance.md, "From 10 thousand to 10 million").
        return filter.q() == null
                ? sql.list(statement, Book::reader, params)
                : sql.listPlannedPerCall(statement, Book::reader, params);
    }

    /**
     * Stores a new book.
     *
     * @param fields the book's fields, all present
     * @return the stored book with its id and version 1
     */
    Book insert(Book.Fields fields) {
        return insert(sql, fields);
    }

    /**
     * Stores a new book in a transaction.
     *
     * @param tx     transaction
     * @param fields the book's fields, all present
     * @return the stored book
     */
    static Book insert(Sql tx, Book.Fields fields) {
        return tx.change("insert-book", Book.COLUMNS, Book::read, fields.parameters())
                .orElseThrow(() -> new IllegalStateException("The database returned no row for a new book"));
    }

    /**
     * Changes a book in one statement.
     *
     * @param id      book id
     * @param changes fields to change; {@code null} ones are kept
     * @param version the version the book must have, or {@code null} for any
     * @return the changed book with its incremented version, or empty if no book with this id (and version) exists
     */
    Optional<Book> update(long id, Book.Fields changes, Integer version) {
        Object[] fields = changes.parameters();
        Object[] params = new Object[fields.length + (version == null ? 1 : 2)];
        System.arraycopy(fields, 0, params, 0, fields.length);
        params[fields.length] = id;
        if (version != null) {
            params[fields.length + 1] = version;
        }
        return sql.change(version == null ? "update-book" : "update-book-version", Book.COLUMNS, Book::read, params);
    }

    /**
     * Deletes a book.
     *
     * @param id book id
     * @return whether a book was deleted
     */
    boolean delete(long id) {
        return sql.update("delete-book", id) > 0;
    }

    /**
     * Deletes a book if it has the given version.
     *
     * @param id      book id
     * @param version expected version
     * @return whether a book was deleted
     */
    boolean delete(long id, int version) {
        return sql.update("delete-book-version", id, version) > 0;
    }
}

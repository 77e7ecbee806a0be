package dev.books.book;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.books.db.Sql;

/** Books in the database, through the named statements of {@link BookStatements}. */
final class BookRepository {
    private final Sql sql;
    private final RareTrigrams rareTrigrams;

    BookRepository(Sql sql) {
        this.sql = sql;
        this.rareTrigrams = new RareTrigrams(sql);
    }

    Optional<Book> find(long id) {
        return sql.one("get-book", Book::read, id);
    }

    /** A page of books in ascending id order, with ids greater than {@code after}. */
    List<Book> list(BookFilter filter, long after, int limit) {
        String statement = filter.statement();
        Object[] params = filter.parameters(after, limit);
        if (filter.q() == null) {
            return sql.list(statement, Book::reader, params);
        }
        List<String> rare = statement.equals("list-books-q") ? rareTrigrams.of(filter.q()) : List.of();
        if (!rare.isEmpty()) {
            statement = "list-books-q-rare";
            params = Stream.concat(rare.stream(), Arrays.stream(params)).toArray();
        }
        // How many books a search term matches decides its best plan (walk the ids, or the trigram index), so a
        // search is planned for its own term every time (docs/performance.md).
        return sql.listPlannedPerCall(statement, Book::reader, params);
    }

    Book insert(Book.Fields fields) {
        return sql.change("insert-book", Book.COLUMNS, Book::read, fields.parameters())
                .orElseThrow(() -> new IllegalStateException("The database returned no row for a new book"));
    }

    /**
     * Changes the non-null fields in one statement, if the book has {@code version} ({@code null}: any); empty when
     * no such book exists.
     */
    Optional<Book> update(long id, Book.Fields changes, Integer version) {
        Object[] fields = changes.parameters();
        Object[] params = Arrays.copyOf(fields, fields.length + 2);
        params[fields.length] = id;
        params[fields.length + 1] = version;
        return sql.change("update-book", Book.COLUMNS, Book::read, params);
    }

    /** Deletes the book if it has {@code version} ({@code null}: any); whether one was deleted. */
    boolean delete(long id, Integer version) {
        return sql.update("delete-book", id, version) > 0;
    }
}

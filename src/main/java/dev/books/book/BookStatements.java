package dev.books.book;

import java.util.Map;

import static java.util.Map.entry;

/**
 * The SQL of the {@code books} table, made once at start from {@link Book#COLUMNS} and {@link Book#FIELD_COLUMNS},
 * so that a column is named in one place. Values are always bound ('?'); the texts hold nothing from a request.
 *
 * <p>Each combination of list filters has a statement of its own, planned on its own index ({@code
 * FilterIndexTest}); the conditions are in the order of {@link BookFilter#parameters}. {@code q} matches {@code
 * search_text}, which is {@code lower(title) || chr(1) || lower(author)} (migration V8): {@code LIKE lower(?)} finds
 * what {@code title ILIKE ? OR author ILIKE ?} would, on one index.
 */
public final class BookStatements {
    private BookStatements() {}

    /** @return every statement on books, by the names {@link BookRepository} and {@link BookFilter} use */
    public static Map<String, String> all() {
        String select = "SELECT " + String.join(", ", Book.COLUMNS) + " FROM books WHERE ";
        String page = "id > ? ORDER BY id LIMIT ?";
        String author = "author = ? AND ";
        String year = "publication_year = ? AND ";
        String q = "search_text LIKE lower(?) AND ";
        String fields = String.join(", ", Book.FIELD_COLUMNS);
        return Map.ofEntries(
                entry("get-book", select + "id = ?"),
                entry("list-books", select + page),
                entry("list-books-q", select + q + page),
                // The index is asked for two rare trigrams of the term only; IS TRUE keeps the whole term out of
                // the index scan (it would read the lists of all its trigrams) and tests it on each candidate.
                entry(
                        "list-books-q-rare",
                        select + "search_text LIKE lower(?) AND search_text LIKE lower(?) AND "
                                + "(search_text LIKE lower(?)) IS TRUE AND " + page),
                entry("search-sample", "SELECT search_text FROM search_sample"),
                entry("list-books-year", select + year + page),
                entry("list-books-year-q", select + year + q + page),
                entry("list-books-author", select + author + page),
                entry("list-books-author-q", select + author + q + page),
                entry("list-books-author-year", select + author + year + page),
                entry("list-books-author-year-q", select + author + year + q + page),
                entry("list-books-isbn", select + "isbn = ? AND " + page),
                entry(
                        "insert-book",
                        "INSERT INTO books (" + fields + ") VALUES (" + fields.replaceAll("\\w+", "?") + ")"),
                // A PUT changes only the fields it sends (a null parameter keeps the column) in one statement; with
                // a version (If-Match, or the body's version) only that version of the book, as delete-book.
                entry(
                        "update-book",
                        "UPDATE books SET " + fields.replaceAll("(\\w+)", "$1 = COALESCE(?, $1)")
                                + ", version = version + 1 WHERE id = ? AND version = COALESCE(?, version)"),
                entry("delete-book", "DELETE FROM books WHERE id = ? AND version = COALESCE(?, version)"));
    }
}

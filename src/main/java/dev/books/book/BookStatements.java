package dev.books.book;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The SQL of the {@code books} table, made once at start from {@link Book#COLUMNS} and {@link Book#FIELD_COLUMNS},
 * so that a column is named in one place. Values are always bound ('?'); the texts hold nothing from a request.
 *
 * <p>Each combination of list filters has a statement of its own, planned on its own index ({@code
 * FilterIndexTest}). {@code q} matches {@code search_text}, which is {@code lower(title) || chr(1) || lower(author)}
 * (migration V8): {@code LIKE lower(?)} finds what {@code title ILIKE ? OR author ILIKE ?} would, on one index.
 */
public final class BookStatements {
    private static final String AUTHOR = "author = ?";
    private static final String YEAR = "publication_year = ?";
    private static final String Q = "search_text LIKE lower(?)";

    private BookStatements() {}

    /** @return every statement on books, by the names {@link BookRepository} and {@link BookFilter} use */
    public static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("get-book", "SELECT " + String.join(", ", Book.COLUMNS) + " FROM books WHERE id = ?");
        // The conditions in the order of BookFilter.parameters.
        all.put("list-books", page());
        all.put("list-books-q", page(Q));
        all.put("list-books-year", page(YEAR));
        all.put("list-books-year-q", page(YEAR, Q));
        all.put("list-books-author", page(AUTHOR));
        all.put("list-books-author-q", page(AUTHOR, Q));
        all.put("list-books-author-year", page(AUTHOR, YEAR));
        all.put("list-books-author-year-q", page(AUTHOR, YEAR, Q));
        all.put("list-books-isbn", page("isbn = ?"));
        String marks = String.join(", ", Collections.nCopies(Book.FIELD_COLUMNS.size(), "?"));
        all.put(
                "insert-book",
                "INSERT INTO books (" + String.join(", ", Book.FIELD_COLUMNS) + ") VALUES (" + marks + ")");
        // A PUT changes only the fields it sends (a null parameter keeps the column) in one statement; with a
        // version (If-Match, or the body's version) only that version of the book, as delete-book.
        all.put(
                "update-book",
                "UPDATE books SET "
                        + Book.FIELD_COLUMNS.stream()
                                .map(c -> c + " = COALESCE(?, " + c + "), ")
                                .collect(Collectors.joining())
                        + "version = version + 1 WHERE id = ? AND version = COALESCE(?, version)");
        all.put("delete-book", "DELETE FROM books WHERE id = ? AND version = COALESCE(?, version)");
        return all;
    }

    /** A page in id order after the cursor, with these conditions. */
    private static String page(String... conditions) {
        return "SELECT " + String.join(", ", Book.COLUMNS) + " FROM books WHERE "
                + Stream.concat(Stream.of(conditions), Stream.of("id > ?")).collect(Collectors.joining(" AND "))
                + " ORDER BY id LIMIT ?";
    }
}

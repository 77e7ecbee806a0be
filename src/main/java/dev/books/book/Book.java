package dev.books.book;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A book of the catalogue, and the one place that lists a book's fields: how they are read from a row of the
 * {@code books} table and bound to the statements that write it ({@code db.statements} in application.yaml).
 * {@link BookJson} holds their JSON form and validation.
 *
 * @param id      identifier assigned by the database
 * @param fields  what clients set
 * @param version incremented by every change; the book's ETag
 */
public record Book(long id, Fields fields, int version) {
    /** Columns of a book row, as every statement that reads or returns books names them. */
    static final List<String> COLUMNS = List.of("id", "title", "author", "publication_year", "version");

    /**
     * Reads a book from the current row ({@link #COLUMNS}, by name).
     *
     * @param rs result set on a book row
     * @return the book
     * @throws SQLException when a column cannot be read
     */
    static Book read(ResultSet rs) throws SQLException {
        return new Book(
                rs.getLong("id"),
                new Fields(rs.getString("title"), rs.getString("author"), rs.getInt("publication_year")),
                rs.getInt("version"));
    }

    /**
     * The fields of a book that clients set. In a new book all are present; in the changes of a PUT,
     * {@code null} means "keep".
     *
     * @param title  title
     * @param author author
     * @param year   year of publication
     */
    public record Fields(String title, String author, Integer year) {
        /**
         * The parameters of the statements that write a book ({@code insert-book}, {@code update-book}): the
         * fields in this order, {@code null} for "keep" in an update.
         *
         * @return statement parameters
         */
        Object[] parameters() {
            return new Object[] {title, author, year};
        }

        /**
         * Whether a change sets nothing.
         *
         * @return {@code true} when every field is {@code null}
         */
        boolean isEmpty() {
            return title == null && author == null && year == null;
        }
    }
}

package dev.books.book;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import dev.books.db.Sql;

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
    static final List<String> COLUMNS = List.of("id", "title", "author", "publication_year", "version", "isbn");

    /**
     * Reads a book from the current row ({@link #COLUMNS}, by name).
     *
     * @param rs result set on a book row
     * @return the book
     * @throws SQLException when a column cannot be read
     */
    static Book read(ResultSet rs) throws SQLException {
        return reader(rs).map(rs);
    }

    /**
     * Reads the books of a result set ({@link #COLUMNS}, by name): the column names are looked up once, not for
     * every row, because that lookup was a large part of reading a page.
     *
     * @param rs result set of book rows
     * @return mapper of its rows
     * @throws SQLException when a column is missing
     */
    static Sql.RowMapper<Book> reader(ResultSet rs) throws SQLException {
        int id = rs.findColumn("id");
        int title = rs.findColumn("title");
        int author = rs.findColumn("author");
        int year = rs.findColumn("publication_year");
        int isbn = rs.findColumn("isbn");
        int version = rs.findColumn("version");
        return row -> new Book(
                row.getLong(id),
                new Fields(row.getString(title), row.getString(author), row.getInt(year), row.getString(isbn)),
                row.getInt(version));
    }

    /**
     * The fields of a book that clients set. In a new book all are present; in the changes of a PUT,
     * {@code null} means "keep".
     *
     * @param title  title
     * @param author author
     * @param year   year of publication
     * @param isbn   ISBN-13 (13 digits), or {@code null}: optional in a new book
     */
    public record Fields(String title, String author, Integer year, String isbn) {
        /**
         * The parameters of the statements that write a book ({@code insert-book}, {@code update-book}): the
         * fields in this order, {@code null} for "keep" in an update.
         *
         * @return statement parameters
         */
        Object[] parameters() {
            return new Object[] {title, author, year, isbn};
        }

        /**
         * Whether a change sets nothing.
         *
         * @return {@code true} when every field is {@code null}
         */
        boolean isEmpty() {
            return title == null && author == null && year == null && isbn == null;
        }
    }

    /**
     * An ISBN in the form the catalogue keeps: ISBN-13 as 13 digits. Accepts ISBN-13 or ISBN-10 (converted), with
     * hyphens and spaces, and checks the check digit.
     *
     * @param text ISBN as a client wrote it
     * @return the 13 digits, or {@code null} when it is not a valid ISBN
     */
    static String isbn13(String text) {
        StringBuilder isbn = new StringBuilder(13);
        for (int i = 0; i < text.length() && isbn.length() <= 13; i++) {
            char c = text.charAt(i);
            if (c != '-' && c != ' ') {
                isbn.append(c);
            }
        }
        if (isbn.length() == 10 && isbn10Valid(isbn)) {
            isbn.setLength(9);
            isbn.insert(0, "978");
            return isbn.append(check13(isbn)).toString();
        }
        boolean valid = isbn.length() == 13
                && digits(isbn, 13)
                && (isbn.indexOf("978") == 0 || isbn.indexOf("979") == 0)
                && check13(isbn) == isbn.charAt(12) - '0';
        return valid ? isbn.toString() : null;
    }

    private static boolean isbn10Valid(CharSequence isbn) {
        if (!digits(isbn, 9)) {
            return false;
        }
        char last = isbn.charAt(9);
        int sum = last == 'X' || last == 'x' ? 10 : last >= '0' && last <= '9' ? last - '0' : -1;
        if (sum < 0) {
            return false;
        }
        for (int i = 0; i < 9; i++) {
            sum += (10 - i) * (isbn.charAt(i) - '0');
        }
        return sum % 11 == 0;
    }

    /** The ISBN-13 check digit of the first twelve digits. */
    private static int check13(CharSequence isbn) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (i % 2 == 0 ? 1 : 3) * (isbn.charAt(i) - '0');
        }
        return (10 - sum % 10) % 10;
    }

    private static boolean digits(CharSequence text, int count) {
        for (int i = 0; i < count; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}

package dev.books.book;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import dev.books.db.Sql;

/**
 * A book of the catalogue, and how its fields are read from a row of the {@code books} table and bound to the
 * statements that write it ({@link BookStatements}). {@link BookJson} holds their JSON form.
 *
 * @param version incremented by every change; the book's ETag
 */
public record Book(long id, Fields fields, int version) {
    /** The columns clients write, in the order of {@link Fields#parameters()}. */
    static final List<String> FIELD_COLUMNS = List.of("title", "author", "publication_year", "isbn");

    /** The columns of a book row, as every statement that reads or returns books names them. */
    static final List<String> COLUMNS =
            Stream.concat(Stream.of("id", "version"), FIELD_COLUMNS.stream()).toList();

    static Book read(ResultSet rs) throws SQLException {
        return reader(rs).map(rs);
    }

    /** Looks the columns up once per result set, not per row: that lookup was a large part of reading a page. */
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
     * The fields clients set; {@code isbn} is ISBN-13 (13 digits) or {@code null}. In a new book title, author and
     * year are present; in the changes of a PUT {@code null} means "keep".
     */
    public record Fields(String title, String author, Integer year, String isbn) {
        /** The parameters of {@code insert-book} and {@code update-book}: the values of {@link #FIELD_COLUMNS}. */
        Object[] parameters() {
            return new Object[] {title, author, year, isbn};
        }

        boolean isEmpty() {
            return Arrays.stream(parameters()).allMatch(Objects::isNull);
        }
    }

    /**
     * An ISBN as the catalogue keeps it, ISBN-13 as 13 digits, from ISBN-13 or ISBN-10 (converted) with hyphens and
     * spaces; {@code null} when it is not one or its check digit is wrong.
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
        return text.chars().limit(count).allMatch(c -> c >= '0' && c <= '9');
    }
}

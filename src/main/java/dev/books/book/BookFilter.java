package dev.books.book;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.books.http.ProblemType;
import dev.books.http.Requests;
import dev.books.json.Text;
import io.helidon.common.uri.UriQuery;

/**
 * The filters of {@code GET /books}, each optional, all given ones must match: their query parameters, the
 * statement that applies them and the link to the next page.
 *
 * @param q    case-insensitive substring of title or author
 * @param isbn ISBN-13; finds at most one book, so it is not combined with the others
 */
record BookFilter(String author, Integer year, String q, String isbn) {
    private static final int MIN_QUERY_LENGTH = 3;
    private static final int MAX_QUERY_LENGTH = 100;
    private static final Pattern LIKE_SPECIAL = Pattern.compile("[%_\\\\]");

    /** The filters of a request, or 400 {@code invalid-query}. */
    static BookFilter from(UriQuery query) {
        String author = query.first("author").asOptional().orElse(null);
        String authorProblem = author == null ? null : Text.problem(author, 1, BookJson.MAX_TEXT_LENGTH);
        if (authorProblem != null) {
            throw ProblemType.INVALID_QUERY.exception("Query parameter 'author' " + authorProblem + ".");
        }
        Integer year = query.first("year").asOptional().map(BookFilter::year).orElse(null);
        String q = query.first("q").asOptional().orElse(null);
        String qProblem = q == null ? null : Text.problem(q, MIN_QUERY_LENGTH, MAX_QUERY_LENGTH);
        if (qProblem != null) {
            throw ProblemType.INVALID_QUERY.exception("Query parameter 'q' " + qProblem + ".");
        }
        String isbn = query.first("isbn").asOptional().map(BookFilter::isbn).orElse(null);
        if (isbn != null && (author != null || year != null || q != null)) {
            throw ProblemType.INVALID_QUERY.exception(
                    "Query parameter 'isbn' finds one book; do not combine it with author, year or q.");
        }
        return new BookFilter(author, year, q, isbn);
    }

    /** Each combination of filters has a statement of its own ({@link BookStatements}), planned on its own index. */
    String statement() {
        return isbn != null
                ? "list-books-isbn"
                : "list-books" + (author != null ? "-author" : "") + (year != null ? "-year" : "")
                        + (q != null ? "-q" : "");
    }

    /** The parameters of {@link #statement()}, in order; {@code after} is the keyset cursor. */
    Object[] parameters(long after, int limit) {
        // q is matched against search_text, the lower-cased title and author (migration V8); the statement
        // lower-cases the pattern itself, so both sides are folded by the same database function.
        return Stream.of(isbn, author, year, q == null ? null : "%" + escapeLike(q) + "%", after, limit)
                .filter(Objects::nonNull)
                .toArray();
    }

    /** The {@code Link} header of the page after the book {@code lastId}, with the same filters. */
    String nextLink(int limit, long lastId) {
        return "</books?limit=" + limit + "&after=" + lastId
                + (author != null ? "&author=" + encode(author) : "")
                + (year != null ? "&year=" + year : "")
                + (q != null ? "&q=" + encode(q) : "")
                + (isbn != null ? "&isbn=" + isbn : "")
                + ">; rel=\"next\"";
    }

    /** Makes % _ and \ in user input literal for LIKE (backslash is the default escape character). */
    static String escapeLike(String text) {
        return LIKE_SPECIAL.matcher(text).replaceAll("\\\\$0");
    }

    private static int year(String raw) {
        boolean negative = raw.startsWith("-");
        long value = Requests.parseNumber(negative ? raw.substring(1) : raw);
        if (value < 0 || value > BookJson.MAX_YEAR) {
            throw ProblemType.INVALID_QUERY.exception("Query parameter 'year' must be an integer from "
                    + BookJson.MIN_YEAR + " to " + BookJson.MAX_YEAR + ".");
        }
        return (int) (negative ? -value : value);
    }

    private static String isbn(String raw) {
        String isbn = Book.isbn13(raw);
        if (isbn == null) {
            throw ProblemType.INVALID_QUERY.exception("Query parameter 'isbn' " + BookJson.ISBN_RULE + ".");
        }
        return isbn;
    }

    private static String encode(String value) {
        // Percent-encoding for a query component (URLEncoder writes form encoding, where a space is '+').
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

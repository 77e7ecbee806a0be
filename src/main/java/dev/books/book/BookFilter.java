package dev.books.book;

import java.util.ArrayList;
import java.util.List;

/**
 * The filters of {@code GET /books}: each is optional, all given ones must match.
 *
 * @param author exact author, or {@code null}
 * @param year   exact year, or {@code null}
 * @param q      case-insensitive substring of title or author, or {@code null}
 */
public record BookFilter(String author, Integer year, String q) {
    /** No filter: every book. */
    public static final BookFilter NONE = new BookFilter(null, null, null);

    /**
     * The named statement for this combination of filters: {@code list-books[-author][-year][-q]}. Each
     * combination has a statement of its own (application.yaml) so that each is planned on its own index.
     *
     * @return statement name
     */
    String statementName() {
        return "list-books" + (author != null ? "-author" : "") + (year != null ? "-year" : "")
                + (q != null ? "-q" : "");
    }

    /**
     * Parameters of {@link #statementName()}, in order.
     *
     * @param after keyset cursor
     * @param limit page size
     * @return parameters
     */
    Object[] parameters(long after, int limit) {
        List<Object> params = new ArrayList<>(6);
        if (author != null) {
            params.add(author);
        }
        if (year != null) {
            params.add(year);
        }
        if (q != null) {
            String pattern = "%" + escapeLike(q) + "%";
            params.add(pattern);
            params.add(pattern);
        }
        params.add(after);
        params.add(limit);
        return params.toArray();
    }

    /** Makes % _ and \ in user input literal for LIKE/ILIKE (backslash is the default escape character). */
    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}

package dev.books.auth;

import java.util.List;

/**
 * Reads the bearer token of a request (RFC 6750, section 2.1: {@code Authorization: Bearer <token>}).
 */
final class BearerToken {
    private static final String SCHEME = "bearer";

    private BearerToken() {}

    /** What the {@code Authorization} headers of a request hold. */
    sealed interface Presented {}

    /** No bearer credentials: no header, or another scheme such as Basic. */
    record Absent() implements Presented {}

    /** Bearer credentials that cannot be a token: empty, bad characters, or several headers. */
    record Malformed() implements Presented {}

    /**
     * A token, syntactically valid.
     *
     * @param value the token
     */
    record Token(String value) implements Presented {
        /** Never the token: records print their components. */
        @Override
        public String toString() {
            return "Token[***]";
        }
    }

    /**
     * Reads the {@code Authorization} header values of a request.
     *
     * @param values all values of the header (normally zero or one)
     * @return what they hold
     */
    static Presented from(List<String> values) {
        if (values.isEmpty()) {
            return new Absent();
        }
        if (values.size() > 1) {
            return new Malformed();
        }
        String value = values.getFirst().strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!isBearerScheme(scheme)) {
            return new Absent();
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        return isWellFormed(token) ? new Token(token) : new Malformed();
    }

    /**
     * Whether a text has the syntax of a bearer token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
     * "/" ) *"="}.
     *
     * @param token text
     * @return {@code true} when it may be sent as a bearer token
     */
    static boolean isWellFormed(String token) {
        int i = 0;
        int n = token.length();
        while (i < n && isTokenChar(token.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && token.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    /** The scheme name is case-insensitive (RFC 9110), in ASCII only: no Unicode case folding. */
    private static boolean isBearerScheme(String scheme) {
        if (scheme.length() != SCHEME.length()) {
            return false;
        }
        for (int i = 0; i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            if (lower != SCHEME.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '+'
                || c == '/';
    }
}

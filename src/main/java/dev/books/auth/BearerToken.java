package dev.books.auth;

import java.util.List;
import java.util.regex.Pattern;

/** Reads the bearer token of a request (RFC 6750, 2.1: {@code Authorization: Bearer <token>}). */
final class BearerToken {
    // Without UNICODE_CASE: ASCII only, no Unicode case folding (RFC 9110: the scheme is case-insensitive).
    private static final Pattern SCHEME = Pattern.compile("bearer", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private BearerToken() {}

    sealed interface Presented {}

    /** No bearer credentials: no header, or another scheme such as Basic. */
    record Absent() implements Presented {}

    /** Bearer credentials that cannot be a token: empty, bad characters, or several headers. */
    record Malformed() implements Presented {}

    /** A token, syntactically valid. */
    record Token(String value) implements Presented {
        /** Never the token: records print their components. */
        @Override
        public String toString() {
            return "Token[***]";
        }
    }

    /** What the {@code Authorization} headers of a request hold. */
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
        if (!SCHEME.matcher(scheme).matches()) {
            return new Absent();
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        return isWellFormed(token) ? new Token(token) : new Malformed();
    }

    /** The syntax of a bearer token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isWellFormed(String token) {
        return TOKEN.matcher(token).matches();
    }
}

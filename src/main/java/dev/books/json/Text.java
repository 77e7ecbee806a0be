package dev.books.json;

/**
 * The rules for text a client sends (titles, authors, filters), as the OpenAPI document's {@code Title} schema has
 * them: a visible character, a length in Unicode code points (as JSON Schema counts), no control characters, valid
 * Unicode.
 */
public final class Text {
    private static final String VISIBLE_RULE =
            "must contain a visible character (not only Unicode White_Space or format characters)";

    private Text() {}

    /** What is wrong with a text a client sent, or {@code null} if it is acceptable. */
    public static String problem(String value, int minLength, int maxLength) {
        boolean visible = false;
        int length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int codePoint = c;
            // An unpaired surrogate cannot be stored as UTF-8: the database would keep something else.
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, value.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode text (unpaired surrogate)";
            }
            if (Character.isISOControl(codePoint)) {
                return "must not contain control characters";
            }
            visible |= !isBlank(codePoint);
            length++;
        }
        if (!visible) {
            return VISIBLE_RULE;
        }
        if (length < minLength || length > maxLength) {
            return "must be " + (minLength > 1 ? "from " + minLength + " to " + maxLength : "at most " + maxLength)
                    + " characters (Unicode code points) long";
        }
        return null;
    }

    /**
     * Unicode {@code White_Space} or a format character ({@code Cf}, such as U+200B): {@link String#isBlank()} knows
     * only Java whitespace and would let U+00A0 or U+202F through.
     */
    static boolean isBlank(int codePoint) {
        return Character.isWhitespace(codePoint)
                || Character.isSpaceChar(codePoint)
                || codePoint == 0x85
                || Character.getType(codePoint) == Character.FORMAT;
    }
}

package dev.books.json;

/**
 * The rules for text a client sends (titles, authors, filters), the same as the OpenAPI document's {@code Title}
 * schema: at least one visible character, a length counted in Unicode code points (as JSON Schema counts), no
 * control characters, valid Unicode.
 *
 * <p>Blank means only Unicode {@code White_Space} and format characters (general category {@code Cf}, such as
 * U+FEFF or U+200B): {@link String#isBlank()} knows only Java whitespace and would let U+00A0 or U+202F through.
 */
public final class Text {
    /** What a client must send, for error details. */
    public static final String VISIBLE_RULE =
            "must contain a visible character (not only Unicode White_Space or format characters)";

    private Text() {}

    /**
     * What is wrong with a text a client sent, or {@code null} if it is acceptable.
     *
     * @param value     text
     * @param maxLength longest accepted value in Unicode code points
     * @return the problem or {@code null}
     */
    public static String problem(String value, int maxLength) {
        return problem(value, 1, maxLength);
    }

    /**
     * What is wrong with a text a client sent, or {@code null} if it is acceptable.
     *
     * @param value     text
     * @param minLength shortest accepted value in Unicode code points
     * @param maxLength longest accepted value in Unicode code points
     * @return the problem or {@code null}
     */
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
     * Whether a character shows nothing: Unicode {@code White_Space} or a format character ({@code Cf}).
     *
     * @param codePoint character
     * @return whether it is blank
     */
    static boolean isBlank(int codePoint) {
        return Character.isWhitespace(codePoint)
                || Character.isSpaceChar(codePoint)
                || codePoint == 0x85
                || Character.getType(codePoint) == Character.FORMAT;
    }
}

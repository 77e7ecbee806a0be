package dev.books.http;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

/** Reads the parts of a request every resource needs, answering bad input with a problem (4xx), never a 500. */
public final class Requests {
    /** Largest id a path accepts: 18 digits, as the OpenAPI document says. */
    private static final long MAX_ID = 999_999_999_999_999_999L;

    private Requests() {}

    /** The body, empty when none was sent; 415 unless it is JSON in UTF-8. */
    public static byte[] jsonBody(ServerRequest req) {
        Optional<HttpMediaType> contentType = req.headers().contentType();
        if (contentType.isEmpty() || !isJson(contentType.get())) {
            throw ProblemType.UNSUPPORTED_MEDIA_TYPE.exception("Send the body as application/json (UTF-8).");
        }
        return req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
    }

    /** A positive path parameter of at most 18 digits, or 400 {@code invalid-id} with {@code detail}. */
    public static long positivePathParameter(ServerRequest req, String name, String detail) {
        long value = parseNumber(req.path().pathParameters().get(name));
        if (value < 1 || value > MAX_ID) {
            throw ProblemType.INVALID_ID.exception(detail);
        }
        return value;
    }

    /** An optional integer query parameter from {@code min} to {@code max}, or 400 {@code invalid-query}. */
    public static long queryNumber(ServerRequest req, String name, long defaultValue, long min, long max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return defaultValue;
        }
        long value = parseNumber(raw.get());
        if (value < min || value > max) {
            throw ProblemType.INVALID_QUERY.exception(
                    "Query parameter '" + name + "' must be an integer from " + min + " to " + max + ".");
        }
        return value;
    }

    /** A decimal number of digits only (no sign) up to {@link Long#MAX_VALUE}, or -1. */
    public static long parseNumber(String raw) {
        if (raw.isEmpty() || raw.length() > 19 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return -1; // 19 digits above Long.MAX_VALUE
        }
    }

    private static boolean isJson(HttpMediaType type) {
        boolean json = type.mediaType().type().equals("application")
                && (type.mediaType().subtype().equals("json")
                        || type.mediaType().subtype().endsWith("+json"));
        return json && type.charset().map(Requests::isUtf8).orElse(true);
    }

    private static boolean isUtf8(String charset) {
        try {
            return Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false; // unknown or illegal charset name
        }
    }
}

package dev.books.http;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

/**
 * Reads the parts of a request every resource needs, answering bad input with a problem (4xx), never a 500.
 */
public final class Requests {
    /** Largest id a path accepts: 18 digits, as the OpenAPI document says. */
    private static final long MAX_ID = 999_999_999_999_999_999L;

    private Requests() {}

    /**
     * The body of a request that must be JSON in UTF-8.
     *
     * @param req request
     * @return the body, empty when none was sent
     * @throws ProblemException 415 when the content type is not JSON or not UTF-8
     */
    public static byte[] jsonBody(ServerRequest req) {
        Optional<HttpMediaType> contentType = req.headers().contentType();
        if (contentType.isEmpty() || !isJson(contentType.get())) {
            throw ProblemType.UNSUPPORTED_MEDIA_TYPE.exception("Send the body as application/json (UTF-8).");
        }
        return req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
    }

    /**
     * A positive integer path parameter of at most 18 digits, such as an id.
     *
     * @param req    request
     * @param name   parameter name in the route
     * @param detail what a valid value is, for the 400 answer
     * @return the value
     * @throws ProblemException 400 {@link ProblemType#INVALID_ID} when it is not a positive integer
     */
    public static long positivePathParameter(ServerRequest req, String name, String detail) {
        long value = parseNumber(req.path().pathParameters().get(name));
        if (value < 1 || value > MAX_ID) {
            throw ProblemType.INVALID_ID.exception(detail);
        }
        return value;
    }

    /**
     * An optional non-negative integer query parameter within bounds.
     *
     * @param req          request
     * @param name         parameter name
     * @param defaultValue value when absent
     * @param min          smallest allowed value
     * @param max          largest allowed value
     * @return the value
     * @throws ProblemException 400 {@link ProblemType#INVALID_QUERY} when present and not an integer in range
     */
    public static long queryNumber(ServerRequest req, String name, long defaultValue, long min, long max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return defaultValue;
        }
        long value = parseNumber(raw.get());
        if (value < min || value > max) {
            throw invalidQuery("Query parameter '" + name + "' must be an integer from " + min + " to " + max + ".");
        }
        return value;
    }

    /**
     * Parses a decimal number from 0 to {@link Long#MAX_VALUE}, digits only (no sign).
     *
     * @param raw text
     * @return the number, or -1 when the text is not one or is larger
     */
    public static long parseNumber(String raw) {
        if (raw.isEmpty() || raw.length() > 19) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            // Only the 19th digit can overflow: 922337203685477580 * 10 + 7 is the largest long.
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * The exception for an invalid query parameter.
     *
     * @param detail what is wrong
     * @return 400 {@link ProblemType#INVALID_QUERY}
     */
    public static ProblemException invalidQuery(String detail) {
        return ProblemType.INVALID_QUERY.exception(detail);
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
            // Unknown or illegal charset name.
            return false;
        }
    }
}

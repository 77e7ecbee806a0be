package dev.books.http;

import io.helidon.http.Status;

/**
 * Every kind of error answer the service sends: the last segment of its type URI ({@code urn:books:problem:...}),
 * its status and its fixed title, which is also sent as {@code error} (the original API's member). docs/api.md
 * lists them for clients.
 */
public enum ProblemType {
    /** A body member or field is missing. */
    MISSING_DATA("missing-data", Status.BAD_REQUEST_400, "Missing data"),
    /** A body member is invalid. */
    INVALID_DATA("invalid-data", Status.BAD_REQUEST_400, "Invalid data"),
    /** The body is not JSON. */
    MALFORMED_JSON("malformed-json", Status.BAD_REQUEST_400, "Malformed JSON"),
    /** A path id is not a positive integer. */
    INVALID_ID("invalid-id", Status.BAD_REQUEST_400, "Invalid id"),
    /** A query parameter is invalid. */
    INVALID_QUERY("invalid-query", Status.BAD_REQUEST_400, "Invalid query"),
    /** An Idempotency-Key header is invalid. */
    INVALID_IDEMPOTENCY_KEY("invalid-idempotency-key", Status.BAD_REQUEST_400, "Invalid Idempotency-Key"),
    /** The server could not understand the request. */
    BAD_REQUEST("bad-request", Status.BAD_REQUEST_400, "Bad request"),
    /** No book has the id. */
    BOOK_NOT_FOUND("book-not-found", Status.NOT_FOUND_404, "Book not found"),
    /** No resource at the path. */
    NOT_FOUND("not-found", Status.NOT_FOUND_404, "Not found"),
    /** The method is not supported on the path. */
    METHOD_NOT_ALLOWED("method-not-allowed", Status.METHOD_NOT_ALLOWED_405, "Method not allowed"),
    /** Another book already holds a unique value. */
    CONFLICT("conflict", Status.CONFLICT_409, "Conflict"),
    /** An If-Match precondition or body version does not match. */
    PRECONDITION_FAILED("precondition-failed", Status.PRECONDITION_FAILED_412, "Precondition failed"),
    /** The body exceeds server.max-payload-size. */
    PAYLOAD_TOO_LARGE("payload-too-large", Status.REQUEST_ENTITY_TOO_LARGE_413, "Payload too large"),
    /** The request URI is too long. */
    URI_TOO_LONG("uri-too-long", Status.REQUEST_URI_TOO_LONG_414, "URI too long"),
    /** The body is not JSON in UTF-8. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", Status.UNSUPPORTED_MEDIA_TYPE_415, "Unsupported media type"),
    /** An Idempotency-Key was used for another request. */
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", Status.UNPROCESSABLE_CONTENT_422, "Idempotency key reused"),
    /** The request headers exceed the limit. */
    HEADERS_TOO_LARGE(
            "headers-too-large", Status.create(431, "Request Header Fields Too Large"), "Request headers too large"),
    /** The service failed. */
    INTERNAL_ERROR("internal-error", Status.INTERNAL_SERVER_ERROR_500, "Internal server error"),
    /** The database cannot be reached. */
    DATABASE_UNAVAILABLE("database-unavailable", Status.SERVICE_UNAVAILABLE_503, "Service unavailable"),
    /** Too many concurrent changes of one book. */
    BUSY("busy", Status.SERVICE_UNAVAILABLE_503, "Service unavailable"),
    /** HTTP/1.0 or another unsupported version. */
    HTTP_VERSION_NOT_SUPPORTED(
            "http-version-not-supported", Status.HTTP_VERSION_NOT_SUPPORTED_505, "HTTP version not supported");

    private final String slug;
    private final Status status;
    private final String title;

    ProblemType(String slug, Status status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /**
     * Last segment of the type URI.
     *
     * @return for example {@code book-not-found}
     */
    public String slug() {
        return slug;
    }

    /**
     * HTTP status of answers of this type.
     *
     * @return status
     */
    public Status status() {
        return status;
    }

    /**
     * Fixed title, also sent as {@code error}.
     *
     * @return title
     */
    public String title() {
        return title;
    }

    /**
     * An answer of this type.
     *
     * @param detail what went wrong in this request
     * @return the problem
     */
    public Problem with(String detail) {
        return Problem.of(slug, status, title, detail);
    }

    /**
     * An exception that answers with this type.
     *
     * @param detail what went wrong in this request
     * @return exception to throw
     */
    public ProblemException exception(String detail) {
        return new ProblemException(with(detail));
    }
}

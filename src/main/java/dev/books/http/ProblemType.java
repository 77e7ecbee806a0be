package dev.books.http;

import io.helidon.http.Status;

/**
 * Every kind of error answer the service sends: the last segment of its type URI ({@code urn:books:problem:...}),
 * its status and its fixed title, which is also sent as {@code error} (the original API's member). docs/api.md
 * lists them for clients.
 */
public enum ProblemType {
    MISSING_DATA("missing-data", Status.BAD_REQUEST_400, "Missing data"),
    INVALID_DATA("invalid-data", Status.BAD_REQUEST_400, "Invalid data"),
    MALFORMED_JSON("malformed-json", Status.BAD_REQUEST_400, "Malformed JSON"),
    INVALID_ID("invalid-id", Status.BAD_REQUEST_400, "Invalid id"),
    INVALID_QUERY("invalid-query", Status.BAD_REQUEST_400, "Invalid query"),
    INVALID_IDEMPOTENCY_KEY("invalid-idempotency-key", Status.BAD_REQUEST_400, "Invalid Idempotency-Key"),
    BAD_REQUEST("bad-request", Status.BAD_REQUEST_400, "Bad request"),
    // Bearer credentials that cannot be a token (RFC 6750 invalid_request).
    INVALID_REQUEST("invalid-request", Status.BAD_REQUEST_400, "Bad request"),
    UNAUTHORIZED("unauthorized", Status.UNAUTHORIZED_401, "Unauthorized"),
    INVALID_TOKEN("invalid-token", Status.UNAUTHORIZED_401, "Unauthorized"),
    INSUFFICIENT_SCOPE("insufficient-scope", Status.FORBIDDEN_403, "Forbidden"),
    BOOK_NOT_FOUND("book-not-found", Status.NOT_FOUND_404, "Book not found"),
    NOT_FOUND("not-found", Status.NOT_FOUND_404, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", Status.METHOD_NOT_ALLOWED_405, "Method not allowed"),
    CONFLICT("conflict", Status.CONFLICT_409, "Conflict"),
    PRECONDITION_FAILED("precondition-failed", Status.PRECONDITION_FAILED_412, "Precondition failed"),
    PAYLOAD_TOO_LARGE("payload-too-large", Status.REQUEST_ENTITY_TOO_LARGE_413, "Payload too large"),
    URI_TOO_LONG("uri-too-long", Status.REQUEST_URI_TOO_LONG_414, "URI too long"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", Status.UNSUPPORTED_MEDIA_TYPE_415, "Unsupported media type"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", Status.UNPROCESSABLE_CONTENT_422, "Idempotency key reused"),
    HEADERS_TOO_LARGE(
            "headers-too-large", Status.create(431, "Request Header Fields Too Large"), "Request headers too large"),
    INTERNAL_ERROR("internal-error", Status.INTERNAL_SERVER_ERROR_500, "Internal server error"),
    DATABASE_UNAVAILABLE("database-unavailable", Status.SERVICE_UNAVAILABLE_503, "Service unavailable"),
    // Too many concurrent changes of one book.
    BUSY("busy", Status.SERVICE_UNAVAILABLE_503, "Service unavailable"),
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

    public Problem with(String detail) {
        return Problem.of(slug, status, title, detail);
    }

    public ProblemException exception(String detail) {
        return new ProblemException(with(detail));
    }
}

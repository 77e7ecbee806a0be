package dev.books.http;

import java.util.List;

import dev.books.json.Json;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;

/**
 * An RFC 9457 problem details object.
 *
 * <p>Every error answer of the service is one of these. Besides the standard members it always
 * carries {@code error}: the short message the original Flask API sent ({@code "Book not found"},
 * {@code "Missing data"}), which existing clients read.
 *
 * @param type     URI identifying the problem type
 * @param status   HTTP status code
 * @param title    short, fixed summary of the problem type (also sent as {@code error})
 * @param detail   explanation specific to this occurrence
 * @param instance the request path the problem occurred on, or {@code null}
 * @param errors   offending request fields (validation problems only), never {@code null}
 */
public record Problem(
        String type, Status status, String title, String detail, String instance, List<FieldError> errors) {

    /** Media type of problem details documents. */
    public static final HttpMediaType MEDIA_TYPE = HttpMediaType.create("application/problem+json");

    private static final String TYPE_PREFIX = "urn:books:problem:";

    /** Copies the list so a problem cannot change after it was created. */
    public Problem {
        errors = List.copyOf(errors);
    }

    /**
     * A problem of one of this API's types.
     *
     * @param slug   last segment of the type URI, for example {@code book-not-found}
     * @param status HTTP status
     * @param title  summary sent as {@code title} and {@code error}
     * @param detail explanation of this occurrence
     * @return the problem
     */
    public static Problem of(String slug, Status status, String title, String detail) {
        return new Problem(TYPE_PREFIX + slug, status, title, detail, null, List.of());
    }

    /**
     * The same problem with its offending fields.
     *
     * @param fieldErrors offending fields
     * @return a new problem
     */
    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, status, title, detail, instance, fieldErrors);
    }

    /**
     * The same problem, reported for a request path.
     *
     * @param path request path
     * @return a new problem
     */
    public Problem at(String path) {
        return new Problem(type, status, title, detail, path, errors);
    }

    /**
     * Serialises this problem.
     *
     * @return UTF-8 JSON bytes
     */
    public byte[] toJson() {
        return Json.write(256, json -> {
            json.writeStartObject();
            json.writeStringField("type", type);
            json.writeStringField("title", title);
            json.writeNumberField("status", status.code());
            json.writeStringField("detail", detail);
            if (instance != null) {
                json.writeStringField("instance", instance);
            }
            json.writeStringField("error", title);
            if (!errors.isEmpty()) {
                json.writeArrayFieldStart("errors");
                for (FieldError error : errors) {
                    json.writeStartObject();
                    json.writeStringField("field", error.field());
                    json.writeStringField("pointer", "#/" + error.field());
                    json.writeStringField("detail", error.detail());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        });
    }

    /**
     * One offending member of a request body.
     *
     * @param field  member name
     * @param detail what is wrong with it
     */
    public record FieldError(String field, String detail) {}
}

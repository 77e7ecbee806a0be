package dev.books.http;

import java.util.List;

import dev.books.json.Json;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;

/**
 * An RFC 9457 problem details object: every error answer of the service. Besides the standard members it always
 * carries {@code error}, the title, which is what the original Flask API sent ({@code "Book not found"}) and what
 * existing clients read.
 *
 * @param instance the request path, or {@code null}
 * @param errors   offending request fields (validation problems only)
 */
public record Problem(
        String type, Status status, String title, String detail, String instance, List<FieldError> errors) {
    public static final HttpMediaType MEDIA_TYPE = HttpMediaType.create("application/problem+json");

    public Problem {
        errors = List.copyOf(errors);
    }

    /** A problem of one of this API's types; {@code slug} is the last segment of its type URI. */
    public static Problem of(String slug, Status status, String title, String detail) {
        return new Problem("urn:books:problem:" + slug, status, title, detail, null, List.of());
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, status, title, detail, instance, fieldErrors);
    }

    public Problem at(String path) {
        return new Problem(type, status, title, detail, path, errors);
    }

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

    /** One offending member of a request body. */
    public record FieldError(String field, String detail) {}
}

package dev.books;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.books.Api.Response;

/**
 * The OpenAPI document (src/main/resources/META-INF/openapi.yaml) as a checker of real answers: the status must be
 * documented for the operation, the body must validate against the documented schema (networknt
 * json-schema-validator with the OpenAPI 3.1 dialect), an undocumented body must be absent, required headers must
 * be present and every documented header must match its schema.
 */
public final class OpenApiDocument {
    private static final String DOCUMENT = "META-INF/openapi.yaml";
    /** The document as a tree. */
    public static final JsonNode DOC = read();

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(Dialects.getOpenApi31());
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenApiDocument() {}

    /**
     * How an answer breaks the document.
     *
     * @param res    the answer
     * @param method operation method, lower case
     * @param path   documented path, e.g. {@code /books/{id}}
     * @return the violations; empty when the answer conforms
     */
    public static List<String> violations(Response res, String method, String path) {
        List<String> violations = new ArrayList<>();
        List<String> prism = prismViolations(res);
        if (!prism.isEmpty()) {
            return prism;
        }
        String status = Integer.toString(res.status());
        String operation = "/paths/" + escape(path) + "/" + method;
        if (DOC.at(operation).isMissingNode()) {
            return List.of("operation " + method + " " + path + " is not documented");
        }
        String responsePointer = operation + "/responses/" + status;
        JsonNode response = DOC.at(responsePointer);
        if (response.isMissingNode()) {
            return List.of(method + " " + path + " answered " + status + ", which is not documented: " + res.body());
        }
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = DOC.at(responsePointer);
        }
        String where = method + " " + path + " " + status;
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!res.body().isEmpty()) {
                violations.add(where + " has no documented body but sent " + res.body());
            }
        } else if (!content.has(res.mediaType())) {
            violations.add(where + " answered " + res.mediaType() + ", documented: " + content);
        } else {
            String schemaPointer = responsePointer + "/content/" + escape(res.mediaType()) + "/schema";
            violations.addAll(validate(schemaPointer, res.body(), where + " body " + res.body()));
        }
        for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
            boolean ref = header.getValue().has("$ref");
            String headerPointer = ref
                    ? header.getValue().get("$ref").asText().substring(1)
                    : responsePointer + "/headers/" + escape(header.getKey());
            JsonNode definition = DOC.at(headerPointer);
            var value = res.header(header.getKey());
            if (value.isEmpty() && definition.path("required").asBoolean(false)) {
                violations.add(where + " must send " + header.getKey());
            }
            if (value.isPresent() && definition.has("schema")) {
                violations.addAll(validate(
                        headerPointer + "/schema",
                        jsonString(value.get()),
                        where + " header " + header.getKey() + ": " + value.get()));
            }
        }
        return violations;
    }

    /**
     * What a validating proxy in front of the service ({@link PrismProxy}) found wrong with the answer: the
     * violations of its {@code sl-violations} header located in the response. Those of the request are not the
     * service's: the tests send invalid requests on purpose.
     *
     * @param res the answer
     * @return the violations; empty when none or when no proxy was in the way
     */
    public static List<String> prismViolations(Response res) {
        List<String> violations = new ArrayList<>();
        for (String header : res.headers().allValues("sl-violations")) {
            try {
                for (JsonNode violation : JSON.readTree(header)) {
                    if (violation.path("location").path(0).asText().equals("response")) {
                        violations.add("prism: " + res.status() + " " + violation + " body " + res.body());
                    }
                }
            } catch (IOException e) {
                violations.add("prism: unreadable sl-violations header " + header);
            }
        }
        return violations;
    }

    /**
     * The security requirements of an operation: its own, else the document's.
     *
     * @param method operation method, lower case
     * @param path   documented path
     * @return the names of the schemes of each alternative; an empty set is "no credentials needed"
     */
    public static List<Set<String>> security(String method, String path) {
        JsonNode security = DOC.at("/paths/" + escape(path) + "/" + method + "/security");
        if (security.isMissingNode()) {
            security = DOC.path("security");
        }
        List<Set<String>> alternatives = new ArrayList<>();
        security.forEach(requirement -> {
            Set<String> schemes = new TreeSet<>();
            requirement.fieldNames().forEachRemaining(schemes::add);
            alternatives.add(schemes);
        });
        return alternatives;
    }

    /**
     * How a JSON value breaks a schema of the document.
     *
     * @param schemaPointer JSON pointer of the schema in the document, e.g. {@code /components/schemas/Title}
     * @param json          the value as JSON text
     * @param what          prefix of each message
     * @return the violations; empty when the value conforms
     */
    public static List<String> validate(String schemaPointer, String json, String what) {
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:" + DOCUMENT + "#" + schemaPointer));
        List<String> messages = new ArrayList<>();
        for (Error error : schema.validate(json, InputFormat.JSON)) {
            messages.add(what + ": " + error.getInstanceLocation() + ": " + error.getMessage());
        }
        return messages;
    }

    /**
     * A string as a JSON string literal.
     *
     * @param value text
     * @return JSON text
     */
    public static String jsonString(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JSON pointer token.
     *
     * @param pointerToken raw token
     * @return escaped token
     */
    public static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode read() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

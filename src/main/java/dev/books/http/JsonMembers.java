package dev.books.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.books.http.Problem.FieldError;
import dev.books.json.Json;
import dev.books.json.Text;

/**
 * The members of a JSON object request body, taken one by one by a resource's rules; whatever is left is refused
 * as unknown. Every offending member is collected, so a client learns all its mistakes from one answer. The
 * resource's rules (which members exist, their limits) live with the resource.
 */
public final class JsonMembers {
    private static final ObjectMapper MAPPER = JsonMapper.builder(Json.FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final ObjectNode members;
    private final List<FieldError> missing = new ArrayList<>();
    private final List<FieldError> errors = new ArrayList<>();

    private JsonMembers(ObjectNode members) {
        this.members = members;
    }

    /** Parses a body that must be one JSON object: 400 {@code malformed-json} or {@code invalid-data} if not. */
    public static JsonMembers parse(byte[] body) {
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(body)) {
            root = MAPPER.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw ProblemType.MALFORMED_JSON.exception(
                    "The JSON nests too deeply or holds a number or string that is too long.");
        } catch (JsonProcessingException e) {
            throw ProblemType.MALFORMED_JSON.exception(
                    "The body is not valid JSON (at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ").");
        } catch (IOException e) {
            throw ProblemType.MALFORMED_JSON.exception("The body could not be read as JSON.");
        }
        if (root == null || root.isMissingNode()) {
            throw ProblemType.MALFORMED_JSON.exception("The body is empty; send a JSON object.");
        }
        if (!root.isObject()) {
            throw ProblemType.INVALID_DATA.exception("The body must be a JSON object, not " + kind(root) + ".");
        }
        return new JsonMembers((ObjectNode) root);
    }

    /** Takes a text member of at most {@code maxLength} code points; {@code null} when absent or invalid. */
    public String text(String name, int maxLength, boolean required) {
        JsonNode node = take(name, required);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            reject(name, "must be a string, not " + kind(node));
            return null;
        }
        String problem = Text.problem(node.textValue(), 1, maxLength);
        if (problem != null) {
            reject(name, problem);
            return null;
        }
        return node.textValue();
    }

    /** Takes an integer member from {@code min} to {@code max}; {@code null} when absent or invalid. */
    public Integer integer(String name, int min, int max, boolean required) {
        JsonNode node = take(name, required);
        if (node == null) {
            return null;
        }
        if (!isInteger(node)) {
            reject(name, "must be an integer, not " + kind(node));
            return null;
        }
        if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            reject(name, "must be between " + min + " and " + max);
            return null;
        }
        return node.intValue();
    }

    /** Takes a member as it was sent, for rules of the caller's own; {@code null} when absent. */
    public JsonNode take(String name) {
        return members.remove(name);
    }

    public void reject(String name, String detail) {
        errors.add(new FieldError(name, detail));
    }

    /**
     * Refuses the members nobody took, then throws 400 {@code missing-data} (listing the invalid members too) if
     * any was missing, else 400 {@code invalid-data} if any was invalid.
     */
    public void finish(String unknownDetail, String missingDetail, String invalidDetail) {
        members.fieldNames().forEachRemaining(name -> errors.add(new FieldError(name, unknownDetail)));
        if (!missing.isEmpty()) {
            missing.addAll(errors);
            throw new ProblemException(
                    ProblemType.MISSING_DATA.with(missingDetail).withErrors(missing));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(
                    ProblemType.INVALID_DATA.with(invalidDetail).withErrors(errors));
        }
    }

    /** An integer as JSON Schema counts: {@code 1965.0} and {@code 1.965e3} are 1965; {@code 1965.5} is none. */
    public static boolean isInteger(JsonNode node) {
        return node.isIntegralNumber()
                || node.isFloatingPointNumber()
                        && Double.isFinite(node.doubleValue())
                        && node.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    /** How a client would call the kind of a value, such as "a string" or "null". */
    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> isInteger(node) ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private JsonNode take(String name, boolean required) {
        JsonNode node = members.remove(name);
        if (required && (node == null || node.isNull())) {
            missing.add(new FieldError(name, "is required"));
            return null;
        }
        return node;
    }
}

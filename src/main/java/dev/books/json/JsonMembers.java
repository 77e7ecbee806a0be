package dev.books.json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.books.http.Problem.FieldError;
import dev.books.http.ProblemException;
import dev.books.http.ProblemType;

/**
 * The members of a JSON object request body, taken one by one by a resource's rules; whatever is left is refused
 * as unknown. Collects every offending member, so a client learns all its mistakes from one answer. Resource
 * rules (which members exist, their limits) live with the resource; this class knows only JSON.
 */
public final class JsonMembers {
    private static final ObjectMapper MAPPER = JsonMapper.builder(Json.FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Map<String, JsonNode> members;
    private final List<FieldError> missing = new ArrayList<>();
    private final List<FieldError> errors = new ArrayList<>();

    private JsonMembers(Map<String, JsonNode> members) {
        this.members = members;
    }

    /**
     * Parses a body that must be one JSON object.
     *
     * @param body request body
     * @return its members
     * @throws ProblemException 400 {@link ProblemType#MALFORMED_JSON} when it is not JSON, 400
     *                          {@link ProblemType#INVALID_DATA} when it is JSON but not an object
     */
    public static JsonMembers parse(byte[] body) {
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(body)) {
            root = MAPPER.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw malformed("The JSON nests too deeply or holds a number or string that is too long.");
        } catch (JsonProcessingException e) {
            throw malformed(
                    "The body is not valid JSON (at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ").");
        } catch (IOException e) {
            throw malformed("The body could not be read as JSON.");
        }
        if (root == null || root.isMissingNode()) {
            throw malformed("The body is empty; send a JSON object.");
        }
        if (!root.isObject()) {
            throw ProblemType.INVALID_DATA.exception("The body must be a JSON object, not " + kind(root) + ".");
        }
        Map<String, JsonNode> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : root.properties()) {
            members.put(member.getKey(), member.getValue());
        }
        return new JsonMembers(members);
    }

    /**
     * Takes a member that must be present and a valid text.
     *
     * @param name      member name
     * @param maxLength longest accepted value in Unicode code points
     * @return the text, or {@code null} when it was missing or invalid (and recorded as such)
     */
    public String requiredText(String name, int maxLength) {
        JsonNode node = members.remove(name);
        if (node == null || node.isNull()) {
            missing.add(new FieldError(name, "is required"));
            return null;
        }
        return text(name, node, maxLength);
    }

    /**
     * Takes a member that may be absent and must otherwise be a valid text.
     *
     * @param name      member name
     * @param maxLength longest accepted value in Unicode code points
     * @return the text, or {@code null} when absent or invalid
     */
    public String optionalText(String name, int maxLength) {
        JsonNode node = members.remove(name);
        return node == null ? null : text(name, node, maxLength);
    }

    /**
     * Takes a member that must be present and an integer within bounds.
     *
     * @param name member name
     * @param min  smallest accepted value
     * @param max  largest accepted value
     * @return the value, or {@code null} when missing or invalid
     */
    public Integer requiredInteger(String name, int min, int max) {
        JsonNode node = members.remove(name);
        if (node == null || node.isNull()) {
            missing.add(new FieldError(name, "is required"));
            return null;
        }
        return integer(name, node, min, max);
    }

    /**
     * Takes a member that may be absent and must otherwise be an integer within bounds.
     *
     * @param name member name
     * @param min  smallest accepted value
     * @param max  largest accepted value
     * @return the value, or {@code null} when absent or invalid
     */
    public Integer optionalInteger(String name, int min, int max) {
        JsonNode node = members.remove(name);
        return node == null ? null : integer(name, node, min, max);
    }

    /**
     * Takes a member as it was sent, for rules of the caller's own.
     *
     * @param name member name
     * @return the node, or {@code null} when absent
     */
    public JsonNode take(String name) {
        return members.remove(name);
    }

    /**
     * Records an offending member.
     *
     * @param name   member name
     * @param detail what is wrong with it
     */
    public void reject(String name, String detail) {
        errors.add(new FieldError(name, detail));
    }

    /**
     * Refuses whatever members were not taken, then throws if anything was missing or invalid.
     *
     * @param unknownDetail what to say of an unknown member, e.g. "is not a member of a book"
     * @param missingDetail detail of the answer when members are missing
     * @param invalidDetail detail of the answer when members are invalid
     * @throws ProblemException 400 {@link ProblemType#MISSING_DATA} (listing the invalid members too) or
     *                          {@link ProblemType#INVALID_DATA}
     */
    public void finish(String unknownDetail, String missingDetail, String invalidDetail) {
        for (String name : members.keySet()) {
            errors.add(new FieldError(name, unknownDetail));
        }
        if (!missing.isEmpty()) {
            List<FieldError> all = new ArrayList<>(missing);
            all.addAll(errors);
            throw new ProblemException(
                    ProblemType.MISSING_DATA.with(missingDetail).withErrors(all));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(
                    ProblemType.INVALID_DATA.with(invalidDetail).withErrors(errors));
        }
    }

    /**
     * Whether a JSON value is an integer as JSON Schema counts: a number without a fractional part, so that
     * {@code 1965.0} and {@code 1.965e3} are the integer 1965 and {@code 1965.5} is not an integer.
     *
     * @param node value
     * @return whether it is an integer
     */
    public static boolean isInteger(JsonNode node) {
        if (node.isIntegralNumber()) {
            return true;
        }
        if (!node.isFloatingPointNumber()) {
            return false;
        }
        return Double.isFinite(node.doubleValue())
                && node.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    /**
     * How a client would call the kind of a JSON value, for error details.
     *
     * @param node value
     * @return for example "a string" or "null"
     */
    public static String kind(JsonNode node) {
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

    private String text(String name, JsonNode node, int maxLength) {
        if (!node.isTextual()) {
            reject(name, "must be a string, not " + kind(node));
            return null;
        }
        String problem = Text.problem(node.textValue(), maxLength);
        if (problem != null) {
            reject(name, problem);
            return null;
        }
        return node.textValue();
    }

    private Integer integer(String name, JsonNode node, int min, int max) {
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

    private static ProblemException malformed(String detail) {
        return ProblemType.MALFORMED_JSON.exception(detail);
    }
}

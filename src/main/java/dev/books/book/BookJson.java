package dev.books.book;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.books.http.Problem;
import dev.books.http.Problem.FieldError;
import dev.books.http.ProblemException;
import io.helidon.http.Status;

/**
 * Reads and validates request bodies, writes book JSON.
 *
 * <p>Validation is explicit and total: every member of the body is checked, unknown members are refused, and all
 * offending fields are reported at once. Nothing that fails here reaches the database, so a rejected request
 * never changes data.
 */
final class BookJson {
    /** Longest accepted title or author, in UTF-16 code units (the database column is at least this wide). */
    static final int MAX_TEXT_LENGTH = 500;

    static final int MIN_YEAR = -9999;
    static final int MAX_YEAR = 9999;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxNumberLength(64)
                    .maxStringLength(64 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private BookJson() {}

    /**
     * Reads the body of {@code POST /books}.
     *
     * @param body request body
     * @return the book to create
     * @throws ProblemException 400 "Missing data" when title, author or year is absent, 400 "Invalid data"
     *                          for any other invalid content, 400 "Malformed JSON" for a body that is not JSON
     */
    static NewBook readNewBook(byte[] body) {
        Map<String, JsonNode> members = readObject(body);
        List<FieldError> errors = new ArrayList<>();
        List<FieldError> missing = new ArrayList<>();
        String title = requiredText(members, "title", errors, missing);
        String author = requiredText(members, "author", errors, missing);
        Integer year = null;
        JsonNode yearNode = members.remove("year");
        if (yearNode == null || yearNode.isNull()) {
            missing.add(new FieldError("year", "is required"));
        } else {
            year = year(yearNode, errors);
        }
        for (String readOnly : List.of("id", "version")) {
            if (members.remove(readOnly) != null) {
                errors.add(new FieldError(readOnly, "is assigned by the server and cannot be sent"));
            }
        }
        unknownMembers(members, errors);
        if (!missing.isEmpty()) {
            missing.addAll(errors);
            throw invalid("Missing data", "title, author and year are required.", missing);
        }
        if (!errors.isEmpty()) {
            throw invalid("Invalid data", "The book has invalid members.", errors);
        }
        return new NewBook(title, author, year);
    }

    /**
     * Reads the body of {@code PUT /books/{id}}: any subset of title, author and year. The read-only members of a
     * book ({@code id}, {@code version}) may be sent back as they were read, so a client can PUT what it GOT.
     *
     * @param body request body
     * @param id   id from the path
     * @return the changes
     * @throws ProblemException 400 when the body is not a valid change
     */
    static BookChanges readChanges(byte[] body, long id) {
        Map<String, JsonNode> members = readObject(body);
        List<FieldError> errors = new ArrayList<>();
        String title = optionalText(members, "title", errors);
        String author = optionalText(members, "author", errors);
        JsonNode yearNode = members.remove("year");
        Integer year = yearNode == null ? null : year(yearNode, errors);
        JsonNode idNode = members.remove("id");
        if (idNode != null && !(idNode.isIntegralNumber() && idNode.canConvertToLong() && idNode.longValue() == id)) {
            errors.add(new FieldError("id", "must equal the id in the path (" + id + ") or be left out"));
        }
        Integer expectedVersion = null;
        JsonNode versionNode = members.remove("version");
        if (versionNode != null) {
            if (versionNode.isIntegralNumber() && versionNode.canConvertToInt() && versionNode.intValue() > 0) {
                expectedVersion = versionNode.intValue();
            } else {
                errors.add(new FieldError("version", "must be a positive integer or be left out"));
            }
        }
        unknownMembers(members, errors);
        if (!errors.isEmpty()) {
            throw invalid("Invalid data", "The changes have invalid members.", errors);
        }
        return new BookChanges(title, author, year, expectedVersion);
    }

    /**
     * Writes one book.
     *
     * @param book book
     * @return UTF-8 JSON
     */
    static byte[] write(Book book) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writeBook(json, book);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes books as the original API did: one JSON object, keyed by the id as a string, in the given order.
     *
     * @param books books in ascending id order
     * @return UTF-8 JSON
     */
    static byte[] writeMap(List<Book> books) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + books.size() * 96);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            for (Book book : books) {
                json.writeFieldName(Long.toString(book.id()));
                writeBook(json, book);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeBook(JsonGenerator json, Book book) throws IOException {
        json.writeStartObject();
        json.writeNumberField("id", book.id());
        json.writeStringField("title", book.title());
        json.writeStringField("author", book.author());
        json.writeNumberField("year", book.year());
        json.writeNumberField("version", book.version());
        json.writeEndObject();
    }

    private static Map<String, JsonNode> readObject(byte[] body) {
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
            throw invalid("Invalid data", "The body must be a JSON object, not " + kind(root) + ".", List.of());
        }
        Map<String, JsonNode> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : root.properties()) {
            members.put(member.getKey(), member.getValue());
        }
        return members;
    }

    private static String requiredText(
            Map<String, JsonNode> members, String name, List<FieldError> errors, List<FieldError> missing) {
        JsonNode node = members.remove(name);
        if (node == null || node.isNull()) {
            missing.add(new FieldError(name, "is required"));
            return null;
        }
        return text(name, node, errors);
    }

    private static String optionalText(Map<String, JsonNode> members, String name, List<FieldError> errors) {
        JsonNode node = members.remove(name);
        return node == null ? null : text(name, node, errors);
    }

    private static String text(String name, JsonNode node, List<FieldError> errors) {
        if (!node.isTextual()) {
            errors.add(new FieldError(name, "must be a string, not " + kind(node)));
            return null;
        }
        String value = node.textValue();
        String problem = textProblem(value);
        if (problem != null) {
            errors.add(new FieldError(name, problem));
            return null;
        }
        return value;
    }

    /**
     * What is wrong with a title or author, or {@code null} if it is acceptable.
     *
     * @param value text
     * @return the problem or {@code null}
     */
    static String textProblem(String value) {
        if (value.isBlank()) {
            return "must not be blank";
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            return "must be at most " + MAX_TEXT_LENGTH + " characters long";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return "must not contain control characters";
            }
            // An unpaired surrogate cannot be stored as UTF-8: the database would keep something else.
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return "must be valid Unicode text (unpaired surrogate)";
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return "must be valid Unicode text (unpaired surrogate)";
            }
        }
        return null;
    }

    private static Integer year(JsonNode node, List<FieldError> errors) {
        if (!node.isIntegralNumber()) {
            errors.add(new FieldError("year", "must be an integer, not " + kind(node)));
            return null;
        }
        if (!node.canConvertToInt() || node.intValue() < MIN_YEAR || node.intValue() > MAX_YEAR) {
            errors.add(new FieldError("year", "must be between " + MIN_YEAR + " and " + MAX_YEAR));
            return null;
        }
        return node.intValue();
    }

    private static void unknownMembers(Map<String, JsonNode> rest, List<FieldError> errors) {
        for (String name : rest.keySet()) {
            errors.add(new FieldError(name, "is not a member of a book"));
        }
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(Problem.of("malformed-json", Status.BAD_REQUEST_400, "Malformed JSON", detail));
    }

    private static ProblemException invalid(String title, String detail, List<FieldError> errors) {
        String slug = title.equals("Missing data") ? "missing-data" : "invalid-data";
        return new ProblemException(
                Problem.of(slug, Status.BAD_REQUEST_400, title, detail).withErrors(errors));
    }
}

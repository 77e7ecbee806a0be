package dev.books.book;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import dev.books.http.ProblemException;
import dev.books.json.Json;
import dev.books.json.JsonMembers;

/**
 * The JSON form of books and the rules for what clients send.
 *
 * <p>Validation is explicit and total: every member of the body is checked, unknown members are refused, and all
 * offending fields are reported at once. Nothing that fails here reaches the database, so a rejected request
 * never changes data.
 */
final class BookJson {
    /** Longest accepted title or author, in Unicode code points (the database column is at least this wide). */
    static final int MAX_TEXT_LENGTH = 500;

    static final int MIN_YEAR = -9999;
    static final int MAX_YEAR = 9999;

    private static final String UNKNOWN = "is not a member of a book";
    // Member names of a written book, encoded once rather than for every book of every page.
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString TITLE = new SerializedString("title");
    private static final SerializedString AUTHOR = new SerializedString("author");
    private static final SerializedString YEAR = new SerializedString("year");
    private static final SerializedString VERSION = new SerializedString("version");
    private static final SerializedString ISBN = new SerializedString("isbn");
    /** What a valid ISBN is, for error details. */
    static final String ISBN_RULE = "must be an ISBN-13 (978 or 979) or ISBN-10 with a valid check digit";

    private BookJson() {}

    /**
     * Reads the body of {@code POST /books}.
     *
     * @param body request body
     * @return the fields of the book to create, all present
     * @throws ProblemException 400 "Missing data" when title, author or year is absent, 400 "Invalid data"
     *                          for any other invalid content, 400 "Malformed JSON" for a body that is not JSON
     */
    static Book.Fields readNew(byte[] body) {
        JsonMembers members = JsonMembers.parse(body);
        Book.Fields fields = fields(members, true);
        for (String readOnly : List.of("id", "version")) {
            if (members.take(readOnly) != null) {
                members.reject(readOnly, "is assigned by the server and cannot be sent");
            }
        }
        members.finish(UNKNOWN, "title, author and year are required.", "The book has invalid members.");
        return fields;
    }

    /**
     * Reads the body of {@code PUT /books/{id}}: any subset of the fields. The read-only members of a book
     * ({@code id}, {@code version}) may be sent back as they were read, so a client can PUT what it GOT.
     *
     * @param body request body
     * @param id   id from the path
     * @return the changes
     * @throws ProblemException 400 when the body is not a valid change
     */
    static Change readChange(byte[] body, long id) {
        JsonMembers members = JsonMembers.parse(body);
        Book.Fields fields = fields(members, false);
        JsonNode idNode = members.take("id");
        if (idNode != null
                && !(JsonMembers.isInteger(idNode) && idNode.canConvertToLong() && idNode.longValue() == id)) {
            members.reject("id", "must equal the id in the path (" + id + ") or be left out");
        }
        Integer expectedVersion = null;
        JsonNode versionNode = members.take("version");
        if (versionNode != null) {
            if (JsonMembers.isInteger(versionNode) && versionNode.canConvertToInt() && versionNode.intValue() > 0) {
                expectedVersion = versionNode.intValue();
            } else {
                members.reject("version", "must be a positive integer or be left out");
            }
        }
        members.finish(UNKNOWN, "The changes have missing members.", "The changes have invalid members.");
        return new Change(fields, expectedVersion);
    }

    /**
     * One book as JSON.
     *
     * @param book book
     * @return the document
     */
    static Json.Document of(Book book) {
        return new Json.Document(160, json -> writeBook(json, book));
    }

    /**
     * Books as the original API wrote them: one JSON object, keyed by the id as a string, in the given order.
     *
     * @param books books in ascending id order
     * @return the document
     */
    static Json.Document page(List<Book> books) {
        return new Json.Document(64 + books.size() * 112, json -> {
            json.writeStartObject();
            for (Book book : books) {
                json.writeFieldName(Long.toString(book.id()));
                writeBook(json, book);
            }
            json.writeEndObject();
        });
    }

    private static void writeBook(JsonGenerator json, Book book) throws IOException {
        Book.Fields fields = book.fields();
        json.writeStartObject();
        json.writeFieldName(ID);
        json.writeNumber(book.id());
        json.writeFieldName(TITLE);
        json.writeString(fields.title());
        json.writeFieldName(AUTHOR);
        json.writeString(fields.author());
        json.writeFieldName(YEAR);
        json.writeNumber(fields.year());
        json.writeFieldName(VERSION);
        json.writeNumber(book.version());
        if (fields.isbn() != null) {
            json.writeFieldName(ISBN);
            json.writeString(fields.isbn());
        }
        json.writeEndObject();
    }

    /**
     * Takes the fields of a book from a body: the rules of each field in one place.
     *
     * @param members  the body's members
     * @param creating whether this is a new book (title, author and year required) or changes (all optional)
     * @return the fields, {@code null} where absent or invalid (recorded in {@code members})
     */
    private static Book.Fields fields(JsonMembers members, boolean creating) {
        return new Book.Fields(
                creating
                        ? members.requiredText("title", MAX_TEXT_LENGTH)
                        : members.optionalText("title", MAX_TEXT_LENGTH),
                creating
                        ? members.requiredText("author", MAX_TEXT_LENGTH)
                        : members.optionalText("author", MAX_TEXT_LENGTH),
                creating
                        ? members.requiredInteger("year", MIN_YEAR, MAX_YEAR)
                        : members.optionalInteger("year", MIN_YEAR, MAX_YEAR),
                isbn(members));
    }

    /** The optional {@code isbn} member, normalised to ISBN-13. */
    private static String isbn(JsonMembers members) {
        String text = members.optionalText("isbn", MAX_TEXT_LENGTH);
        if (text == null) {
            return null;
        }
        String isbn = Book.isbn13(text);
        if (isbn == null) {
            members.reject("isbn", ISBN_RULE);
        }
        return isbn;
    }

    /**
     * Validated changes of a PUT.
     *
     * @param fields          the fields to change; {@code null} ones are kept
     * @param expectedVersion the {@code version} member of the body, if the client sent one: the update then
     *                        applies only to that version, like {@code If-Match}
     */
    record Change(Book.Fields fields, Integer expectedVersion) {}
}

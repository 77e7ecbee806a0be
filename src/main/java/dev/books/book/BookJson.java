package dev.books.book;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import dev.books.http.JsonMembers;
import dev.books.json.Json;

/**
 * The JSON form of books and the rules for what clients send. Every member of a body is checked, unknown ones are
 * refused and all offending ones are reported at once; nothing that fails here reaches the database.
 */
final class BookJson {
    /** Longest title or author in Unicode code points (the database column is at least this wide). */
    static final int MAX_TEXT_LENGTH = 500;

    static final int MIN_YEAR = -9999;
    static final int MAX_YEAR = 9999;
    static final String ISBN_RULE = "must be an ISBN-13 (978 or 979) or ISBN-10 with a valid check digit";

    private static final String UNKNOWN = "is not a member of a book";
    // Member names encoded once rather than for every book of every page.
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString TITLE = new SerializedString("title");
    private static final SerializedString AUTHOR = new SerializedString("author");
    private static final SerializedString YEAR = new SerializedString("year");
    private static final SerializedString VERSION = new SerializedString("version");
    private static final SerializedString ISBN = new SerializedString("isbn");

    private BookJson() {}

    /** The body of {@code POST /books}: title, author and year required. */
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
     * The body of {@code PUT /books/{id}}: any subset of the fields. {@code id} and {@code version} may be sent back
     * as they were read, so a client can PUT what it GOT.
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

    static Json.Document of(Book book) {
        return new Json.Document(160, json -> writeBook(json, book));
    }

    /** Books as the original API wrote them: one object keyed by the id as a string, in the given order. */
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

    /** The rules of each field, in one place; {@code null} where absent or invalid (recorded in members). */
    private static Book.Fields fields(JsonMembers members, boolean creating) {
        return new Book.Fields(
                members.text("title", MAX_TEXT_LENGTH, creating),
                members.text("author", MAX_TEXT_LENGTH, creating),
                members.integer("year", MIN_YEAR, MAX_YEAR, creating),
                isbn(members.text("isbn", MAX_TEXT_LENGTH, false), members));
    }

    /** Normalised to ISBN-13. */
    private static String isbn(String text, JsonMembers members) {
        String isbn = text == null ? null : Book.isbn13(text);
        if (text != null && isbn == null) {
            members.reject("isbn", ISBN_RULE);
        }
        return isbn;
    }

    /** Validated changes of a PUT; a {@code version} in the body applies them only to that version (as If-Match). */
    record Change(Book.Fields fields, Integer expectedVersion) {}
}

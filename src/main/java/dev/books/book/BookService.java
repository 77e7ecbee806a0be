package dev.books.book;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.books.http.ErrorHandling;
import dev.books.http.Problem;
import dev.books.http.ProblemException;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The books API, wire-compatible with the original Flask service: {@code /books} and {@code /books/{id}}.
 */
public final class BookService implements HttpService {
    /** How often a PUT or DELETE re-reads a book that another request changed between its read and its write. */
    private static final int MAX_ATTEMPTS = 10;

    private static final HeaderName IF_MATCH = HeaderNames.IF_MATCH;
    private static final HeaderName IF_NONE_MATCH = HeaderNames.IF_NONE_MATCH;

    private final BookRepository books;
    private final int pageSize;
    private final int maxPageSize;
    private final BooleanSupplier databaseReady;

    /**
     * Creates the service.
     *
     * @param books       repository
     * @param pageSize    default page size of {@code GET /books}
     * @param maxPageSize largest page size a client may ask for
     * @param databaseReady whether the database schema is migrated; until then every request gets 503
     */
    public BookService(BookRepository books, int pageSize, int maxPageSize, BooleanSupplier databaseReady) {
        this.books = books;
        this.pageSize = pageSize;
        this.maxPageSize = maxPageSize;
        this.databaseReady = databaseReady;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::requireDatabase)
                .get("/", this::list)
                .post("/", this::create)
                .any("/", methodNotAllowed("GET, POST"))
                .get("/{id}", this::get)
                .put("/{id}", this::update)
                .delete("/{id}", this::delete)
                .any("/{id}", methodNotAllowed("GET, PUT, DELETE"));
    }

    private void requireDatabase(ServerRequest req, ServerResponse res) {
        if (!databaseReady.getAsBoolean()) {
            // Before migrations have run the tables may not exist: answer as for any database outage.
            res.header(HeaderNames.RETRY_AFTER, "2");
            throw new ProblemException(ErrorHandling.databaseUnavailable());
        }
        res.next();
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = (int) queryNumber(req, "limit", pageSize, 1, maxPageSize);
        long after = queryNumber(req, "after", 0, 0, Long.MAX_VALUE);
        // One extra row tells whether another page follows.
        List<Book> page = books.list(after, limit + 1);
        if (page.size() > limit) {
            page = page.subList(0, limit);
            long last = page.getLast().id();
            res.header(HeaderNames.LINK, "</books?limit=" + limit + "&after=" + last + ">; rel=\"next\"");
        }
        sendJson(res, Status.OK_200, BookJson.writeMap(page));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Book book = books.find(id(req)).orElseThrow(BookService::bookNotFound);
        EntityTags ifNoneMatch =
                EntityTags.parse(req.headers().value(IF_NONE_MATCH).orElse(null));
        res.header(HeaderNames.ETAG, EntityTags.of(book));
        if (ifNoneMatch != null && ifNoneMatch.matchesWeakly(book.version())) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        sendJson(res, Status.OK_200, BookJson.write(book));
    }

    private void create(ServerRequest req, ServerResponse res) {
        NewBook newBook = BookJson.readNewBook(jsonBody(req));
        Book book = books.insert(newBook);
        res.header(HeaderNames.LOCATION, "/books/" + book.id());
        res.header(HeaderNames.ETAG, EntityTags.of(book));
        sendJson(res, Status.CREATED_201, BookJson.write(book));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long id = id(req);
        EntityTags ifMatch = EntityTags.parse(req.headers().value(IF_MATCH).orElse(null));
        BookChanges changes = BookJson.readChanges(jsonBody(req), id);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Book current = books.find(id).orElseThrow(BookService::bookNotFound);
            requireMatch(ifMatch, changes.expectedVersion(), current);
            Optional<Book> updated = changes.isEmpty() ? Optional.of(current) : books.update(current.with(changes));
            if (updated.isPresent()) {
                res.header(HeaderNames.ETAG, EntityTags.of(updated.get()));
                sendJson(res, Status.OK_200, BookJson.write(updated.get()));
                return;
            }
            // Another request changed the book between our read and our write: read it again. A conditional
            // update now fails its precondition; an unconditional one applies its fields to the newer state.
        }
        throw busy();
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long id = id(req);
        EntityTags ifMatch = EntityTags.parse(req.headers().value(IF_MATCH).orElse(null));
        if (ifMatch == null) {
            if (!books.delete(id)) {
                throw bookNotFound();
            }
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Book current = books.find(id).orElseThrow(BookService::bookNotFound);
            requireMatch(ifMatch, null, current);
            if (books.delete(id, current.version())) {
                res.status(Status.NO_CONTENT_204).send();
                return;
            }
        }
        throw busy();
    }

    private static void requireMatch(EntityTags ifMatch, Integer expectedVersion, Book current) {
        if ((ifMatch != null && !ifMatch.matchesStrongly(current.version()))
                || (expectedVersion != null && expectedVersion != current.version())) {
            throw new ProblemException(Problem.of(
                    "precondition-failed",
                    Status.PRECONDITION_FAILED_412,
                    "Precondition failed",
                    "The book has changed: its current ETag is " + EntityTags.of(current)
                            + ". Read it again and retry."));
        }
    }

    private static byte[] jsonBody(ServerRequest req) {
        Optional<HttpMediaType> contentType = req.headers().contentType();
        if (contentType.isEmpty() || !isJson(contentType.get())) {
            throw new ProblemException(Problem.of(
                    "unsupported-media-type",
                    Status.UNSUPPORTED_MEDIA_TYPE_415,
                    "Unsupported media type",
                    "Send the body as application/json (UTF-8)."));
        }
        return req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
    }

    private static boolean isJson(HttpMediaType type) {
        boolean json = type.mediaType().type().equals("application")
                && (type.mediaType().subtype().equals("json")
                        || type.mediaType().subtype().endsWith("+json"));
        return json && type.charset().map(BookService::isUtf8).orElse(true);
    }

    private static boolean isUtf8(String charset) {
        try {
            return Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // Unknown or illegal charset name.
            return false;
        }
    }

    private static long id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        long id = parsePositive(raw);
        if (id < 1) {
            throw new ProblemException(
                    Problem.of("invalid-id", Status.BAD_REQUEST_400, "Invalid id", "A book id is a positive integer."));
        }
        return id;
    }

    private static long queryNumber(ServerRequest req, String name, long defaultValue, long min, long max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return defaultValue;
        }
        long value = parsePositive(raw.get());
        if (value < min || value > max) {
            throw new ProblemException(Problem.of(
                    "invalid-query",
                    Status.BAD_REQUEST_400,
                    "Invalid query",
                    "Query parameter '" + name + "' must be an integer from " + min + " to " + max + "."));
        }
        return value;
    }

    /** Parses a decimal number of at most 18 digits (no sign, no overflow); -1 when it is not one. */
    private static long parsePositive(String raw) {
        if (raw.isEmpty() || raw.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void sendJson(ServerResponse res, Status status, byte[] json) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(json);
    }

    private static Handler methodNotAllowed(String allowed) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allowed);
            ErrorHandling.send(
                    req,
                    res,
                    Problem.of(
                            "method-not-allowed",
                            Status.METHOD_NOT_ALLOWED_405,
                            "Method not allowed",
                            req.prologue().method().text() + " is not supported here; use " + allowed + "."));
        };
    }

    private static ProblemException bookNotFound() {
        return new ProblemException(
                Problem.of("book-not-found", Status.NOT_FOUND_404, "Book not found", "No book has this id."));
    }

    private static ProblemException busy() {
        return new ProblemException(Problem.of(
                "conflict", Status.CONFLICT_409, "Conflict", "The book is being changed by other requests; retry."));
    }
}

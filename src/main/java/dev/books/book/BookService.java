package dev.books.book;

import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
    private static final int MAX_ATTEMPTS = 100;

    private static final HeaderName IF_MATCH = HeaderNames.IF_MATCH;
    private static final HeaderName IF_NONE_MATCH = HeaderNames.IF_NONE_MATCH;
    private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    private static final HeaderName IDEMPOTENT_REPLAYED = HeaderNames.create("Idempotent-Replayed");
    private static final int MAX_KEY_LENGTH = 255;
    private static final int MIN_QUERY_LENGTH = 3;
    private static final int MAX_QUERY_LENGTH = 100;

    private final BookRepository books;
    private final BookSettings settings;
    private final BooleanSupplier databaseReady;

    /**
     * Creates the service.
     *
     * @param books         repository
     * @param settings      page sizes and idempotency key lifetime
     * @param databaseReady whether the database schema is migrated; until then every request gets 503
     */
    public BookService(BookRepository books, BookSettings settings, BooleanSupplier databaseReady) {
        this.books = books;
        this.settings = settings;
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
        int limit = (int) queryNumber(req, "limit", settings.pageSize(), 1, settings.maxPageSize());
        long after = queryNumber(req, "after", 0, 0, Long.MAX_VALUE);
        BookFilter filter = filter(req);
        // One extra row tells whether another page follows.
        List<Book> page = books.list(filter, after, limit + 1);
        if (page.size() > limit) {
            page = page.subList(0, limit);
            res.header(HeaderNames.LINK, nextLink(filter, limit, page.getLast().id()));
        }
        sendJson(res, Status.OK_200, BookJson.writeMap(page));
    }

    private static String nextLink(BookFilter filter, int limit, long lastId) {
        StringBuilder link = new StringBuilder("</books?limit=")
                .append(limit)
                .append("&after=")
                .append(lastId);
        if (filter.author() != null) {
            link.append("&author=").append(encode(filter.author()));
        }
        if (filter.year() != null) {
            link.append("&year=").append(filter.year());
        }
        if (filter.q() != null) {
            link.append("&q=").append(encode(filter.q()));
        }
        return link.append(">; rel=\"next\"").toString();
    }

    private static BookFilter filter(ServerRequest req) {
        String author = req.query().first("author").asOptional().orElse(null);
        String authorProblem = author == null ? null : BookJson.textProblem(author);
        if (authorProblem != null) {
            throw invalidQuery("Query parameter 'author' " + authorProblem + ".");
        }
        Integer year =
                req.query().first("year").asOptional().map(BookService::year).orElse(null);
        String q = req.query().first("q").asOptional().orElse(null);
        if (q != null) {
            String problem = BookJson.textProblem(q);
            if (problem != null || q.length() < MIN_QUERY_LENGTH || q.length() > MAX_QUERY_LENGTH) {
                throw invalidQuery("Query parameter 'q' must be " + MIN_QUERY_LENGTH + " to " + MAX_QUERY_LENGTH
                        + " characters of text" + (problem == null ? "." : " and " + problem + "."));
            }
        }
        return author == null && year == null && q == null ? BookFilter.NONE : new BookFilter(author, year, q);
    }

    private static int year(String raw) {
        boolean negative = raw.startsWith("-");
        long value = parsePositive(negative ? raw.substring(1) : raw);
        if (value < 0 || value > BookJson.MAX_YEAR) {
            throw invalidQuery("Query parameter 'year' must be an integer from " + BookJson.MIN_YEAR + " to "
                    + BookJson.MAX_YEAR + ".");
        }
        return (int) (negative ? -value : value);
    }

    private static String encode(String value) {
        // Percent-encoding for a query component (URLEncoder writes form encoding, where a space is '+').
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
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
        Optional<String> key = req.headers().first(IDEMPOTENCY_KEY);
        if (key.isEmpty()) {
            Book book = books.insert(newBook);
            res.header(HeaderNames.LOCATION, "/books/" + book.id());
            res.header(HeaderNames.ETAG, EntityTags.of(book));
            sendJson(res, Status.CREATED_201, BookJson.write(book));
            return;
        }
        String idempotencyKey = idempotencyKey(key.get());
        String hash = requestHash(newBook);
        long expiredBefore =
                System.currentTimeMillis() - settings.idempotencyTtl().toMillis();
        KeyedCreation creation = books.insertOnce(
                idempotencyKey,
                hash,
                newBook,
                expiredBefore,
                book -> new String(BookJson.write(book), StandardCharsets.UTF_8));
        if (!creation.sameRequest(hash)) {
            throw new ProblemException(Problem.of(
                    "idempotency-key-reused",
                    Status.UNPROCESSABLE_CONTENT_422,
                    "Idempotency key reused",
                    "This Idempotency-Key was already used for a different book; use a new key for a new book."));
        }
        res.header(HeaderNames.LOCATION, "/books/" + creation.bookId());
        res.header(HeaderNames.ETAG, "\"1\"");
        if (creation.replayed()) {
            res.header(IDEMPOTENT_REPLAYED, "true");
        }
        sendJson(res, Status.CREATED_201, creation.response().getBytes(StandardCharsets.UTF_8));
    }

    private static String idempotencyKey(String raw) {
        boolean valid = !raw.isEmpty() && raw.length() <= MAX_KEY_LENGTH;
        for (int i = 0; valid && i < raw.length(); i++) {
            char c = raw.charAt(i);
            valid = c > 0x20 && c < 0x7f;
        }
        if (!valid) {
            throw new ProblemException(Problem.of(
                    "invalid-idempotency-key",
                    Status.BAD_REQUEST_400,
                    "Invalid Idempotency-Key",
                    "An Idempotency-Key is 1 to " + MAX_KEY_LENGTH + " visible ASCII characters, e.g. a UUID."));
        }
        return raw;
    }

    /** SHA-256 of the validated book: a retry with the same book in other JSON formatting is still a retry. */
    private static String requestHash(NewBook book) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(book.title().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(book.author().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(Integer.toString(book.year()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
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
            throw invalidQuery("Query parameter '" + name + "' must be an integer from " + min + " to " + max + ".");
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

    private static ProblemException invalidQuery(String detail) {
        return new ProblemException(Problem.of("invalid-query", Status.BAD_REQUEST_400, "Invalid query", detail));
    }

    private static ProblemException busy() {
        return new ProblemException(Problem.of(
                "busy",
                Status.SERVICE_UNAVAILABLE_503,
                "Service unavailable",
                "The book is being changed by many requests at once; retry."));
    }
}

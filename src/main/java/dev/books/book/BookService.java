package dev.books.book;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.books.auth.Caller;
import dev.books.db.Sql;
import dev.books.http.EntityTags;
import dev.books.http.ErrorHandling;
import dev.books.http.ProblemException;
import dev.books.http.ProblemType;
import dev.books.http.Requests;
import dev.books.http.Responses;
import dev.books.idempotency.IdempotentCreation;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The books API, wire-compatible with the original Flask service: {@code /books} and {@code /books/{id}}. */
public final class BookService implements HttpService {
    /** How often a conditional PUT or DELETE re-reads a book that other requests keep changing. */
    private static final int MAX_ATTEMPTS = 100;

    private final BookRepository books;
    private final IdempotentCreation idempotent;
    private final BookSettings settings;
    private final BooleanSupplier databaseReady;

    /** Until {@code databaseReady} (the schema is migrated) every request gets 503. */
    public BookService(Sql sql, IdempotentCreation idempotent, BookSettings settings, BooleanSupplier databaseReady) {
        this.books = new BookRepository(sql);
        this.idempotent = idempotent;
        this.settings = settings;
        this.databaseReady = databaseReady;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/", BookService::exactPath)
                .any(this::requireDatabase)
                .get("/", this::list)
                .head("/", this::list)
                .post("/", this::create)
                .any("/", Responses.methodNotAllowed("GET, HEAD, POST"))
                .get("/{id}", this::get)
                .head("/{id}", this::get)
                .put("/{id}", this::update)
                .delete("/{id}", this::delete)
                .any("/{id}", Responses.methodNotAllowed("GET, HEAD, PUT, DELETE"));
    }

    /** {@code /books/} is not {@code /books}: 404 as in the original API (and as the document lists no such path). */
    private static void exactPath(ServerRequest req, ServerResponse res) {
        if (req.prologue().uriPath().rawPath().endsWith("/")) {
            throw new ProblemException(ErrorHandling.notFound());
        }
        res.next();
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
        int limit = (int) Requests.queryNumber(req, "limit", settings.pageSize(), 1, settings.maxPageSize());
        long after = Requests.queryNumber(req, "after", 0, 0, Long.MAX_VALUE);
        BookFilter filter = BookFilter.from(req.query());
        // One extra row tells whether another page follows.
        List<Book> page = books.list(filter, after, limit + 1);
        if (page.size() > limit) {
            page = page.subList(0, limit);
            res.header(HeaderNames.LINK, filter.nextLink(limit, page.getLast().id()));
        }
        Responses.sendJson(req, res, Status.OK_200, BookJson.page(page));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Book book = books.find(id(req)).orElseThrow(BookService::bookNotFound);
        EntityTags ifNoneMatch = tags(req, HeaderNames.IF_NONE_MATCH);
        res.header(HeaderNames.ETAG, EntityTags.of(book.version()));
        if (ifNoneMatch != null && ifNoneMatch.matchesWeakly(book.version())) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        Responses.sendJson(req, res, Status.OK_200, BookJson.of(book));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Book.Fields fields = BookJson.readNew(Requests.jsonBody(req));
        Optional<String> key = IdempotentCreation.key(req);
        if (key.isEmpty()) {
            Book book = books.insert(fields);
            res.header(HeaderNames.LOCATION, "/books/" + book.id());
            res.header(HeaderNames.ETAG, EntityTags.of(book.version()));
            Responses.sendJson(req, res, Status.CREATED_201, BookJson.of(book));
            return;
        }
        IdempotentCreation.Outcome outcome =
                idempotent.create(Caller.of(req), key.get(), IdempotentCreation.hash(fields.parameters()), tx -> {
                    Book book = new BookRepository(tx).insert(fields);
                    return new IdempotentCreation.Outcome(
                            book.id(), new String(BookJson.of(book).toBytes(), StandardCharsets.UTF_8), false);
                });
        res.header(HeaderNames.LOCATION, "/books/" + outcome.id());
        res.header(HeaderNames.ETAG, EntityTags.of(1));
        if (outcome.replayed()) {
            res.header(IdempotentCreation.REPLAYED_HEADER, "true");
        }
        Responses.sendJson(req, res, Status.CREATED_201, outcome.body().getBytes(StandardCharsets.UTF_8));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long id = id(req);
        EntityTags ifMatch = tags(req, HeaderNames.IF_MATCH);
        BookJson.Change change = BookJson.readChange(Requests.jsonBody(req), id);
        Book updated = change.fields().isEmpty() ? unchanged(id, ifMatch, change) : changed(id, ifMatch, change);
        res.header(HeaderNames.ETAG, EntityTags.of(updated.version()));
        Responses.sendJson(req, res, Status.OK_200, BookJson.of(updated));
    }

    /** A PUT that changes no field: checks the preconditions, keeps the version. */
    private Book unchanged(long id, EntityTags ifMatch, BookJson.Change change) {
        Book current = books.find(id).orElseThrow(BookService::bookNotFound);
        requireMatch(ifMatch, change.expectedVersion(), current);
        return current;
    }

    /**
     * Changes a book in one statement when the preconditions name at most one version (the common case); reads the
     * book first only when they cannot be checked in the statement, or to tell 404 from 412 after it changed nothing.
     */
    private Book changed(long id, EntityTags ifMatch, BookJson.Change change) {
        Integer required = change.expectedVersion();
        Integer tagged = ifMatch == null ? null : ifMatch.singleVersion();
        boolean oneVersion =
                ifMatch == null || ifMatch.any() || (tagged != null && (required == null || required.equals(tagged)));
        if (oneVersion) {
            Optional<Book> updated = books.update(id, change.fields(), required != null ? required : tagged);
            if (updated.isPresent()) {
                return updated.get();
            }
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Book current = books.find(id).orElseThrow(BookService::bookNotFound);
            requireMatch(ifMatch, required, current);
            Optional<Book> updated = books.update(id, change.fields(), current.version());
            if (updated.isPresent()) {
                return updated.get();
            }
            // Another request changed the book between our read and our write: read it again.
        }
        throw busy();
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long id = id(req);
        EntityTags ifMatch = tags(req, HeaderNames.IF_MATCH);
        if (ifMatch == null) {
            if (!books.delete(id, null)) {
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
            throw ProblemType.PRECONDITION_FAILED.exception("The book has changed: its current ETag is "
                    + EntityTags.of(current.version()) + ". Read it again and retry.");
        }
    }

    private static EntityTags tags(ServerRequest req, HeaderName header) {
        return EntityTags.parse(req.headers().value(header).orElse(null));
    }

    private static long id(ServerRequest req) {
        return Requests.positivePathParameter(req, "id", "A book id is a positive integer.");
    }

    private static ProblemException bookNotFound() {
        return ProblemType.BOOK_NOT_FOUND.exception("No book has this id.");
    }

    private static ProblemException busy() {
        return ProblemType.BUSY.exception("The book is being changed by many requests at once; retry.");
    }
}

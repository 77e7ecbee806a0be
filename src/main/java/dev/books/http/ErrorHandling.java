package dev.books.http;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import dev.books.db.DatabaseErrors;
import io.helidon.common.buffers.DataReader;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.DirectHandler;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Turns every failure into a JSON problem answer: errors thrown by handlers (registered on the routing) and
 * errors found by the server before routing, such as an oversized body or a malformed request line
 * (direct handlers). No answer carries a stack trace, SQL or an exception message from a library.
 */
public final class ErrorHandling {
    private static final System.Logger LOGGER = System.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {}

    public static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, e) -> send(req, res, e.problem()))
                .error(NotFoundException.class, (req, res, e) -> send(req, res, notFound()))
                .error(HttpException.class, (req, res, e) -> send(req, res, forStatus(e.status())))
                .error(DbClientException.class, ErrorHandling::databaseError)
                .error(Exception.class, ErrorHandling::unexpected);
    }

    /** Sends a problem, with the request's path as its {@code instance}. */
    public static void send(ServerRequest req, ServerResponse res, Problem problem) {
        Problem answer = problem.at(req.path().absolute().path());
        res.status(answer.status());
        res.headers().contentType(Problem.MEDIA_TYPE);
        Responses.send(req, res, answer.toJson());
    }

    /** JSON answers for errors the server detects before a request reaches the routing. */
    public static DirectHandlers directHandlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        DirectHandler handler =
                (request, eventType, status, headers, message) -> DirectHandler.TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE.text())
                        .entity(forStatus(status).toJson())
                        .keepAlive(eventType.keepAlive())
                        .build();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    public static Problem notFound() {
        return ProblemType.NOT_FOUND.with("No resource exists at this path.");
    }

    /** The problem for a status the server itself answers with. */
    static Problem forStatus(Status status) {
        return switch (status.code()) {
            case 400 -> ProblemType.BAD_REQUEST.with("The request could not be understood.");
            case 404 -> notFound();
            case 405 -> ProblemType.METHOD_NOT_ALLOWED.with("This method is not supported on this path.");
            case 413 ->
                ProblemType.PAYLOAD_TOO_LARGE.with(
                        "The request body exceeds the configured limit (server.max-payload-size).");
            case 414 -> ProblemType.URI_TOO_LONG.with("The request URI is too long.");
            case 431 -> ProblemType.HEADERS_TOO_LARGE.with("The request headers exceed the configured limit.");
            case 505 -> ProblemType.HTTP_VERSION_NOT_SUPPORTED.with("Use HTTP/1.1 or HTTP/2.");
            default ->
                status.code() >= 500
                        ? internalError()
                        : Problem.of(
                                "http-" + status.code(), status, status.reasonPhrase(), status.reasonPhrase() + ".");
        };
    }

    public static Problem databaseUnavailable() {
        return ProblemType.DATABASE_UNAVAILABLE.with("The database is not reachable; retry later.");
    }

    private static Problem internalError() {
        return ProblemType.INTERNAL_ERROR.with("The service failed to answer; the error is logged.");
    }

    private static void databaseError(ServerRequest req, ServerResponse res, DbClientException e) {
        Optional<String> taken = DatabaseErrors.uniqueViolation(e);
        if (taken.isPresent()) {
            // Validation cannot see other rows: the database's unique index decides, also between instances.
            Problem conflict = ProblemType.CONFLICT.with("A value that must be unique is already taken.");
            send(req, res, conflict.withErrors(List.of(new Problem.FieldError(taken.get(), "is already taken"))));
        } else if (DatabaseErrors.isUnavailable(e)) {
            // An outage is an operational condition, not a bug: one line, no stack trace.
            LOGGER.log(
                    Level.WARNING,
                    () -> "Database unavailable for " + request(req) + ": " + DatabaseErrors.describe(e));
            res.header(HeaderNames.RETRY_AFTER, "2");
            send(req, res, databaseUnavailable());
        } else {
            unexpected(req, res, e);
        }
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        if (clientWentAway(e)) {
            // The client closed the connection before sending its whole request: nobody is left to answer, and
            // any client could flood the log with stack traces if this were reported as a failure.
            LOGGER.log(Level.DEBUG, () -> "Client went away during " + request(req));
            send(req, res, ProblemType.BAD_REQUEST.with("Incomplete request."));
            return;
        }
        LOGGER.log(Level.ERROR, "Unexpected failure of " + request(req), e);
        send(req, res, internalError());
    }

    private static String request(ServerRequest req) {
        return req.prologue().method().text() + " " + req.path().absolute().path();
    }

    private static boolean clientWentAway(Throwable e) {
        return Stream.iterate(e, Objects::nonNull, Throwable::getCause)
                .anyMatch(t -> t instanceof DataReader.InsufficientDataAvailableException);
    }
}

package dev.books.http;

import dev.books.json.Json;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sends the answers every resource needs.
 */
public final class Responses {
    private Responses() {}

    private static final byte[] NO_BODY = new byte[0];

    /**
     * Sends a JSON body.
     *
     * @param req    request (a HEAD request gets the headers only)
     * @param res    response
     * @param status status
     * @param json   UTF-8 JSON
     */
    public static void sendJson(ServerRequest req, ServerResponse res, Status status, byte[] json) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        send(req, res, json);
    }

    /**
     * Sends a JSON document straight from the pooled buffer it is written into. Helidon copies the bytes into its
     * own response buffer before {@code send} returns, so the lent buffer is not kept.
     *
     * @param req      request (a HEAD request gets the headers only)
     * @param res      response
     * @param status   status
     * @param document JSON document
     */
    public static void sendJson(ServerRequest req, ServerResponse res, Status status, Json.Document document) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        document.lend((json, length) -> send(req, res, json, length));
    }

    /**
     * Sends a body, or for HEAD only the headers a GET would get, Content-Length included (RFC 9110, 9.3.2).
     *
     * @param req  request
     * @param res  response with status and content type set
     * @param body body
     */
    public static void send(ServerRequest req, ServerResponse res, byte[] body) {
        send(req, res, body, body.length);
    }

    private static void send(ServerRequest req, ServerResponse res, byte[] body, int length) {
        if (req.prologue().method() == Method.HEAD) {
            res.headers().contentLength(length);
            res.send(NO_BODY);
        } else {
            res.send(body, 0, length);
        }
    }

    /**
     * A handler answering 405 with an {@code Allow} header, for the methods a path does not support.
     *
     * @param allowed the methods it supports, e.g. {@code "GET, HEAD, POST"}
     * @return handler
     */
    public static Handler methodNotAllowed(String allowed) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allowed);
            ErrorHandling.send(
                    req,
                    res,
                    ProblemType.METHOD_NOT_ALLOWED.with(
                            req.prologue().method().text() + " is not supported here; use " + allowed + "."));
        };
    }
}

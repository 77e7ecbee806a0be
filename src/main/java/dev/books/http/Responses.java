package dev.books.http;

import dev.books.json.Json;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Sends the answers every resource needs; a HEAD request gets the headers only. */
public final class Responses {
    private static final byte[] NO_BODY = new byte[0];

    private Responses() {}

    public static void sendJson(ServerRequest req, ServerResponse res, Status status, byte[] json) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        send(req, res, json);
    }

    /**
     * Sends a document straight from the pooled buffer it is written into: Helidon copies the bytes into its own
     * response buffer before {@code send} returns, so the lent buffer is not kept.
     */
    public static void sendJson(ServerRequest req, ServerResponse res, Status status, Json.Document document) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        document.lend((json, length) -> send(req, res, json, length));
    }

    /** Sends a body, or for HEAD the headers a GET would get, Content-Length included (RFC 9110, 9.3.2). */
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

    /** 405 with {@code Allow} for the methods a path does not support; {@code allowed} e.g. "GET, HEAD, POST". */
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

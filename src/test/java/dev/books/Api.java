package dev.books;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A small HTTP/1.1 client for the tests (the JDK's), with explicit control of every header.
 */
public final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;
    private final URI headBase;
    private final String[] defaultHeaders;

    /**
     * A client of the server at {@code base}.
     *
     * @param base for example {@code http://localhost:12345/}
     */
    public Api(URI base) {
        this(base, base, new String[0]);
    }

    private Api(URI base, URI headBase, String[] defaultHeaders) {
        this.base = base;
        this.headBase = headBase;
        this.defaultHeaders = defaultHeaders;
    }

    /**
     * The same client, except that HEAD requests go to another server (past a proxy that cannot handle them).
     *
     * @param server where HEAD requests go
     * @return new client
     */
    public Api withHeadRequestsTo(URI server) {
        return new Api(base, server, defaultHeaders);
    }

    /**
     * The server this client talks to.
     *
     * @return base URI, e.g. {@code http://localhost:12345/}
     */
    public URI base() {
        return base;
    }

    /**
     * A client of the same server that sends these headers with every request (e.g. Authorization).
     *
     * @param headers name, value...
     * @return new client
     */
    public Api withHeaders(String... headers) {
        String[] all = new String[defaultHeaders.length + headers.length];
        System.arraycopy(defaultHeaders, 0, all, 0, defaultHeaders.length);
        System.arraycopy(headers, 0, all, defaultHeaders.length, headers.length);
        return new Api(base, headBase, all);
    }

    /**
     * GET.
     *
     * @param path    path and query
     * @param headers name, value, name, value...
     * @return response
     */
    public Response get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    /**
     * POST a JSON body.
     *
     * @param path    path
     * @param json    body
     * @param headers name, value...
     * @return response
     */
    public Response post(String path, String json, String... headers) {
        return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * PUT a JSON body.
     *
     * @param path    path
     * @param json    body
     * @param headers name, value...
     * @return response
     */
    public Response put(String path, String json, String... headers) {
        return send("PUT", path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * DELETE.
     *
     * @param path    path
     * @param headers name, value...
     * @return response
     */
    public Response delete(String path, String... headers) {
        return send("DELETE", path, null, null, headers);
    }

    /**
     * Any request.
     *
     * @param method      method
     * @param path        path and query
     * @param contentType Content-Type or {@code null} for none
     * @param body        body or {@code null} for none
     * @param headers     name, value...
     * @return response
     */
    public Response send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder((method.equals("HEAD") ? headBase : base).resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (body != null && body.length > 1024) {
            // Like curl: ask before sending a large body, so a 413 arrives before the body is sent.
            request.expectContinue(true);
        }
        for (int i = 0; i < defaultHeaders.length; i += 2) {
            request.header(defaultHeaders[i], defaultHeaders[i + 1]);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A response.
     *
     * @param status  status code
     * @param headers headers
     * @param body    body as text
     */
    public record Response(int status, HttpHeaders headers, String body) {
        /**
         * The body as JSON.
         *
         * @return parsed body
         */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Body is not JSON: " + body, e);
            }
        }

        /**
         * A header value.
         *
         * @param name header name
         * @return first value, if present
         */
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /**
         * The media type of the body, without parameters.
         *
         * @return for example {@code application/json}
         */
        public String mediaType() {
            return header("Content-Type").map(v -> v.split(";")[0].strip()).orElse("");
        }
    }
}

package dev.books.auth;

import java.util.HexFormat;

import io.helidon.webserver.http.ServerRequest;

/**
 * Who made a request, as far as the write protection knows: the holder of one static token, the subject of one JWT
 * issuer, or anonymous (writes are open). Holders share nothing, e.g. not their {@code Idempotency-Key}s.
 *
 * @param id {@code anonymous}, {@code token:<SHA-256 of the token>} or {@code jwt:<SHA-256 of iss and sub>}: never
 *           the token, and at most 68 characters
 */
public record Caller(String id) {
    public static Caller of(ServerRequest req) {
        return req.context().get(Caller.class).orElseGet(() -> new Caller("anonymous"));
    }

    /** {@code kind} is {@code token} or {@code jwt}; {@code secret} the token, or the JWT's issuer and subject. */
    static Caller of(String kind, String secret) {
        return new Caller(kind + ":" + HexFormat.of().formatHex(TokenFile.sha256(secret)));
    }
}

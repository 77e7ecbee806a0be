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
    /** The caller when writes are open. */
    public static final Caller ANONYMOUS = new Caller("anonymous");

    /**
     * The caller the write protection accepted for a request.
     *
     * @param req request
     * @return its caller, {@link #ANONYMOUS} when writes are open
     */
    public static Caller of(ServerRequest req) {
        return req.context().get(Caller.class).orElse(ANONYMOUS);
    }

    static Caller ofToken(String token) {
        return new Caller("token:" + HexFormat.of().formatHex(TokenFile.sha256(token)));
    }

    static Caller ofJwt(String issuerAndSubject) {
        return new Caller("jwt:" + HexFormat.of().formatHex(TokenFile.sha256(issuerAndSubject)));
    }
}

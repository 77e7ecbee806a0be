package dev.books.book;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What a {@code POST /books} with an {@code Idempotency-Key} produced.
 *
 * @param bookId      id of the book created for the key
 * @param response    the 201 body sent for it
 * @param requestHash hash of the request that created it
 * @param replayed    whether an earlier request created it (this one is a retry)
 */
public record KeyedCreation(long bookId, String response, String requestHash, boolean replayed) {

    /**
     * Whether a request with this hash is the one that created the book (constant-time comparison).
     *
     * @param hash hash of a request
     * @return {@code true} for a retry of the same request
     */
    public boolean sameRequest(String hash) {
        return MessageDigest.isEqual(
                requestHash.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    }
}

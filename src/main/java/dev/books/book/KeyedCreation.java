package dev.books.book;

/**
 * What a {@code POST /books} with an {@code Idempotency-Key} produced.
 *
 * @param bookId      id of the book created for the key
 * @param response    the 201 body sent for it
 * @param requestHash hash of the request that created it
 * @param replayed    whether an earlier request created it (this one is a retry)
 */
public record KeyedCreation(long bookId, String response, String requestHash, boolean replayed) {}

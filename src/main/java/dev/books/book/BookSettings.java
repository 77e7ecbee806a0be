package dev.books.book;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Settings of the books API, from the {@code books} configuration node.
 *
 * @param pageSize       default page size of {@code GET /books}
 * @param maxPageSize    largest page size a client may ask for
 * @param idempotencyTtl how long an {@code Idempotency-Key} is remembered
 */
public record BookSettings(int pageSize, int maxPageSize, Duration idempotencyTtl) {

    /**
     * Reads the settings.
     *
     * @param books the {@code books} configuration node
     * @return settings
     */
    public static BookSettings create(Config books) {
        return new BookSettings(
                books.get("page-size").asInt().orElse(100),
                books.get("max-page-size").asInt().orElse(1000),
                books.get("idempotency-ttl").as(Duration.class).orElse(Duration.ofHours(24)));
    }
}

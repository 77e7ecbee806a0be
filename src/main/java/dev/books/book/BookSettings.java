package dev.books.book;

import io.helidon.config.Config;

/** Default and largest page size of {@code GET /books}, from the {@code books} configuration node. */
public record BookSettings(int pageSize, int maxPageSize) {
    public static BookSettings create(Config books) {
        return new BookSettings(
                books.get("page-size").asInt().orElse(100),
                books.get("max-page-size").asInt().orElse(1000));
    }
}

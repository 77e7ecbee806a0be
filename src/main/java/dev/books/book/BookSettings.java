package dev.books.book;

import io.helidon.config.Config;

/** Default and largest page size of {@code GET /books}; their defaults are in application.yaml only. */
public record BookSettings(int pageSize, int maxPageSize) {
    public static BookSettings create(Config books) {
        return new BookSettings(
                books.get("page-size").asInt().get(),
                books.get("max-page-size").asInt().get());
    }
}

package dev.books.book;

import io.helidon.config.Config;

/**
 * Settings of the books API, from the {@code books} configuration node.
 *
 * @param pageSize    default page size of {@code GET /books}
 * @param maxPageSize largest page size a client may ask for
 */
public record BookSettings(int pageSize, int maxPageSize) {

    /**
     * Reads the settings.
     *
     * @param books the {@code books} configuration node
     * @return settings
     */
    public static BookSettings create(Config books) {
        return new BookSettings(
                books.get("page-size").asInt().orElse(100),
                books.get("max-page-size").asInt().orElse(1000));
    }
}

package dev.books.book;

import java.util.ArrayList;
import java.util.List;

/**
 * The entity tags of an {@code If-Match} or {@code If-None-Match} header (RFC 9110, section 13.1).
 * A book's ETag is its version: {@code "3"}.
 *
 * @param any  whether the header was {@code *}
 * @param tags the listed tags: opaque value and whether it was weak ({@code W/"3"})
 */
record EntityTags(boolean any, List<Tag> tags) {

    /**
     * The strong ETag of a book.
     *
     * @param book book
     * @return quoted version
     */
    static String of(Book book) {
        return "\"" + book.version() + "\"";
    }

    /**
     * Parses a header value. Malformed members are ignored, so they can never match.
     *
     * @param header header value, or {@code null} when the header is absent
     * @return the tags, or {@code null} when the header is absent
     */
    static EntityTags parse(String header) {
        if (header == null) {
            return null;
        }
        if (header.strip().equals("*")) {
            return new EntityTags(true, List.of());
        }
        List<Tag> tags = new ArrayList<>();
        for (String member : header.split(",")) {
            String tag = member.strip();
            boolean weak = tag.startsWith("W/");
            if (weak) {
                tag = tag.substring(2);
            }
            if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                tags.add(new Tag(tag.substring(1, tag.length() - 1), weak));
            }
        }
        return new EntityTags(false, tags);
    }

    /**
     * Strong comparison, as {@code If-Match} requires: weak tags never match.
     *
     * @param version current version of the book
     * @return whether the header matches it
     */
    boolean matchesStrongly(int version) {
        String current = Integer.toString(version);
        return any || tags.stream().anyMatch(tag -> !tag.weak() && tag.value().equals(current));
    }

    /**
     * Weak comparison, as {@code If-None-Match} requires.
     *
     * @param version current version of the book
     * @return whether the header matches it
     */
    boolean matchesWeakly(int version) {
        String current = Integer.toString(version);
        return any || tags.stream().anyMatch(tag -> tag.value().equals(current));
    }

    /**
     * One entity tag.
     *
     * @param value opaque value without quotes
     * @param weak  whether it was marked weak
     */
    record Tag(String value, boolean weak) {}
}

package dev.books.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The entity tags of an {@code If-Match} or {@code If-None-Match} header (RFC 9110, section 13.1).
 * A resource's ETag is its version number: {@code "3"}.
 *
 * @param any  whether the header was {@code *}
 * @param tags the listed tags: opaque value and whether it was weak ({@code W/"3"})
 */
public record EntityTags(boolean any, List<Tag> tags) {

    /**
     * The strong ETag of a version.
     *
     * @param version version of a resource
     * @return quoted version
     */
    public static String of(int version) {
        return "\"" + version + "\"";
    }

    /**
     * Parses a header value. Malformed members are ignored, so they can never match.
     *
     * @param header header value, or {@code null} when the header is absent
     * @return the tags, or {@code null} when the header is absent
     */
    public static EntityTags parse(String header) {
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
    public boolean matchesStrongly(int version) {
        String current = Integer.toString(version);
        return any || tags.stream().anyMatch(tag -> !tag.weak() && tag.value().equals(current));
    }

    /**
     * Weak comparison, as {@code If-None-Match} requires.
     *
     * @param version current version of the book
     * @return whether the header matches it
     */
    public boolean matchesWeakly(int version) {
        String current = Integer.toString(version);
        return any || tags.stream().anyMatch(tag -> tag.value().equals(current));
    }

    /**
     * The one version a strong comparison can match, when the header lists exactly one strong tag that is a
     * version number: lets an update check the precondition in its own WHERE clause.
     *
     * @return the version, or {@code null} when the header is {@code *}, lists several or weak tags, or none
     */
    public Integer singleVersion() {
        if (any || tags.size() != 1 || tags.getFirst().weak()) {
            return null;
        }
        long version = Requests.parseNumber(tags.getFirst().value());
        return version >= 1 && version <= Integer.MAX_VALUE ? (int) version : null;
    }

    /**
     * One entity tag.
     *
     * @param value opaque value without quotes
     * @param weak  whether it was marked weak
     */
    public record Tag(String value, boolean weak) {}
}

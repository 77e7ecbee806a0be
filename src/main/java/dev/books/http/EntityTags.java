package dev.books.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The entity tags of an {@code If-Match} or {@code If-None-Match} header (RFC 9110, 13.1). A resource's ETag is its
 * version number: {@code "3"}. {@code any}: the header was {@code *}.
 */
public record EntityTags(boolean any, List<Tag> tags) {
    public static String of(int version) {
        return "\"" + version + "\"";
    }

    /** Malformed members are left out, so they never match; {@code null} when the header is absent. */
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

    /** Strong comparison, as {@code If-Match} requires: weak tags never match. */
    public boolean matchesStrongly(int version) {
        return matches(version, true);
    }

    /** Weak comparison, as {@code If-None-Match} requires. */
    public boolean matchesWeakly(int version) {
        return matches(version, false);
    }

    private boolean matches(int version, boolean strong) {
        String current = Integer.toString(version);
        return any
                || tags.stream()
                        .anyMatch(tag -> !(strong && tag.weak()) && tag.value().equals(current));
    }

    /**
     * The one version a strong comparison can match, so that an update can check the precondition in its own WHERE
     * clause; {@code null} for {@code *}, several or weak tags, or a tag that is not a version.
     */
    public Integer singleVersion() {
        if (any || tags.size() != 1 || tags.getFirst().weak()) {
            return null;
        }
        long version = Requests.parseNumber(tags.getFirst().value());
        return version >= 1 && version <= Integer.MAX_VALUE ? (int) version : null;
    }

    public record Tag(String value, boolean weak) {}
}

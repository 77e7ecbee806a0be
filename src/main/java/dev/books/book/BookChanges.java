package dev.books.book;

/**
 * Validated changes to a book (PUT is a partial update, as in the original API): {@code null} means "keep".
 *
 * @param title           new title or {@code null}
 * @param author          new author or {@code null}
 * @param year            new year or {@code null}
 * @param expectedVersion the {@code version} member of the body, if the client sent one: the update then applies
 *                        only to that version, like {@code If-Match}
 */
public record BookChanges(String title, String author, Integer year, Integer expectedVersion) {

    /**
     * Whether the request changes nothing.
     *
     * @return {@code true} when no field is to be changed
     */
    public boolean isEmpty() {
        return title == null && author == null && year == null;
    }
}

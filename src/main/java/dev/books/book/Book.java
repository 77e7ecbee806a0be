package dev.books.book;

/**
 * A book of the catalogue.
 *
 * @param id      identifier assigned by the database
 * @param title   title
 * @param author  author
 * @param year    year of publication
 * @param version incremented by every change; the book's ETag
 */
public record Book(long id, String title, String author, int year, int version) {

    /**
     * This book with changes applied: the fields present replace, the absent ones are kept.
     *
     * @param changes changes from a PUT request
     * @return the changed book, with the same id and version
     */
    public Book with(BookChanges changes) {
        return new Book(
                id,
                changes.title() != null ? changes.title() : title,
                changes.author() != null ? changes.author() : author,
                changes.year() != null ? changes.year() : year,
                version);
    }
}

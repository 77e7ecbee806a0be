package dev.books.book;

/**
 * A validated book to create.
 *
 * @param title  title
 * @param author author
 * @param year   year of publication
 */
public record NewBook(String title, String author, int year) {}

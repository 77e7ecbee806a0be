package dev.books.book;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

class BookTest {
    @ParameterizedTest
    @CsvSource({
        "9780441172719, 9780441172719",
        "978-0-441-17271-9, 9780441172719",
        "978 0 441 17271 9, 9780441172719",
        "0-441-17271-7, 9780441172719",
        "0441172717, 9780441172719",
        "080442957X, 9780804429573",
        "080442957x, 9780804429573",
        "979-10-90636-07-1, 9791090636071"
    })
    void validIsbnsBecomeThirteenDigits(String text, String isbn13) {
        assertThat(Book.isbn13(text), is(isbn13));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "978044117271",
                "97804411727190",
                "9780441172710",
                "0441172718",
                "9770441172712",
                "978044117271X",
                "X441172717",
                "９７８０４４１１７２７１９",
                "abcdefghij"
            })
    void invalidIsbnsAreRefused(String text) {
        assertThat(Book.isbn13(text), is(nullValue()));
    }
}

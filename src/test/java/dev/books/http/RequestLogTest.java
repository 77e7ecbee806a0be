package dev.books.http;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class RequestLogTest {
    @Test
    void generatedIdsAreDistinctVersion4Uuids() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestLog.newId();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version(), is(4));
            assertThat(uuid.variant(), is(2));
            ids.add(id);
        }
        assertThat(ids.size(), is(10_000));
    }

    @Test
    void onlySafeClientIdsAreKept() {
        assertThat(RequestLog.isSafe("abc-DEF_1.2"), is(true));
        assertThat(RequestLog.isSafe("x".repeat(128)), is(true));
        assertThat(RequestLog.isSafe("x".repeat(129)), is(false));
        assertThat(RequestLog.isSafe(""), is(false));
        assertThat(RequestLog.isSafe("a b"), is(false));
        assertThat(RequestLog.isSafe("a\nb"), is(false));
        assertThat(RequestLog.isSafe("a$b"), is(false));
        assertThat(RequestLog.isSafe("a%b"), is(false));
    }

    @Test
    void accessLineMessageIsReadable() {
        assertThat(RequestLog.message("GET", "/books/1", 200, 812_345L), is("GET /books/1 200 0.812ms"));
        assertThat(RequestLog.message("POST", "/books", 201, 12_345_678_901L), is("POST /books 201 12345.678ms"));
    }
}

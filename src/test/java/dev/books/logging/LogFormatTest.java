package dev.books.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

class LogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MILLIS = 1_764_583_200_123L;

    @Test
    void textAccessLineKeepsItsShape() {
        String line = format(LogFormat.TEXT, new LogEntry.Access(MILLIS, "GET", "/books/1", 200, 1_234, "id-1"));

        assertThat(
                line,
                matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.123 INFO dev\\.books\\.access \\[id-1\\]: GET /books/1 200 1\\.234ms"
                                + System.lineSeparator()));
    }

    @Test
    void jsonAccessLineHasItsFields() throws Exception {
        JsonNode line =
                JSON.readTree(format(LogFormat.JSON, new LogEntry.Access(MILLIS, "PUT", "/books/7", 412, 5, "id-2")));

        assertThat(line.get("time").asText(), is("2025-12-01T10:00:00.123Z"));
        assertThat(line.get("level").asText(), is("INFO"));
        assertThat(line.get("logger").asText(), is("dev.books.access"));
        assertThat(line.get("message").asText(), is("PUT /books/7 412 0.005ms"));
        assertThat(line.get("requestId").asText(), is("id-2"));
        assertThat(line.get("method").asText(), is("PUT"));
        assertThat(line.get("path").asText(), is("/books/7"));
        assertThat(line.get("status").asInt(), is(412));
        assertThat(line.get("durationMs").asDouble(), is(0.005));
    }

    @Test
    void jsonMessageEscapesAndCarriesTheStackTraceAsOneString() throws Exception {
        String text = format(
                LogFormat.JSON,
                new LogEntry.Message(
                        MILLIS,
                        "SEVERE",
                        "dev.books.X",
                        "a \"quoted\"\nline\u0001",
                        new IllegalStateException("boom"),
                        null));

        assertThat(text.indexOf('\n'), is(text.length() - 1));
        JsonNode line = JSON.readTree(text);
        assertThat(line.get("message").asText(), is("a \"quoted\"\nline\u0001"));
        assertThat(line.has("requestId"), is(false));
        assertThat(
                line.get("stackTrace").asText(), matches("(?s)java\\.lang\\.IllegalStateException: boom\\R\\s+at .*"));
    }

    @Test
    void textMessageWithoutRequestHasEmptyBrackets() {
        String line = format(LogFormat.TEXT, new LogEntry.Message(MILLIS, "INFO", "dev.books.Main", "up", null, null));

        assertThat(line, endsWith(" INFO dev.books.Main []: up" + System.lineSeparator()));
    }

    @Test
    void formatNamesAreTextOrJson() {
        assertThat(LogFormat.of(" JSON "), is(LogFormat.JSON));
        assertThat(LogFormat.of("text"), is(LogFormat.TEXT));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> LogFormat.of("xml"));
    }

    private static org.hamcrest.Matcher<String> matches(String regex) {
        return new org.hamcrest.TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(String text) {
                return text.matches(regex);
            }

            @Override
            public void describeTo(org.hamcrest.Description description) {
                description.appendText("matches " + regex);
            }
        };
    }

    private static String format(LogFormat format, LogEntry entry) {
        StringBuilder line = new StringBuilder();
        format.append(line, entry);
        return line.toString();
    }
}

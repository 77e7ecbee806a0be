package dev.books.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenFileTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();

    @Test
    void readsTokensAndDigestsAndSkipsCommentsBlankAndBadLines() throws IOException {
        String hashed = TestAuth.newToken();
        Path file = write(
                "# editors",
                "",
                "   plain-token-1   ",
                "sha256:" + TestAuth.sha256Hex(hashed).toUpperCase(Locale.ROOT),
                "SHA256:" + TestAuth.sha256Hex("upper-prefix"),
                "sha256:abc",
                "sha256:" + "g".repeat(64),
                "token # with a comment",
                "  # indented comment");

        TokenFile tokens = TokenFile.load(file, clock::get);

        assertThat(tokens.size(), is(3));
        assertThat(tokens.matches("plain-token-1"), is(true));
        assertThat(tokens.matches(hashed), is(true));
        assertThat(tokens.matches("upper-prefix"), is(true));
        assertThat(tokens.matches("plain-token-2"), is(false));
        assertThat(tokens.matches("sha256:" + TestAuth.sha256Hex(hashed)), is(false));
        assertThat(tokens.matches("token"), is(false));
        assertThat(tokens.matches(""), is(false));
    }

    @Test
    void changesAreSeenAtMostOnceASecond() throws IOException {
        Path file = write("first");
        TokenFile tokens = TokenFile.load(file, clock::get);

        write("second");
        assertThat("not looked at within the second", tokens.matches("second"), is(false));
        clock.addAndGet(SECOND);
        assertThat(tokens.matches("second"), is(true));
        assertThat(tokens.matches("first"), is(false));
    }

    @Test
    void unreadableFileAcceptsNothingUntilItIsBack() throws IOException {
        Path file = write("token");
        TokenFile tokens = TokenFile.load(file, clock::get);

        Files.delete(file);
        clock.addAndGet(SECOND);
        assertThat(tokens.matches("token"), is(false));
        assertThat(tokens.size(), is(0));
        clock.addAndGet(SECOND);
        assertThat(tokens.matches("token"), is(false));

        write("token");
        clock.addAndGet(SECOND);
        assertThat(tokens.matches("token"), is(true));
    }

    @Test
    void aBadLineIsReportedByNumberAndTheRestOfTheEditApplies() throws IOException {
        Path file = write("old-token", "removed-token");
        TokenFile tokens = TokenFile.load(file, clock::get);
        // Arabic-Indic digits are digits to Character.digit, but not hexadecimal ones.
        String foreignDigits = "sha256:" + "\u0661".repeat(64);
        byte[] notUtf8 = {'b', 'a', 'd', (byte) 0xff, '\n'};
        try (LogCapture logs = LogCapture.start()) {
            write(foreignDigits, "new-token", "old-token");
            Files.write(file, notUtf8, java.nio.file.StandardOpenOption.APPEND);
            clock.addAndGet(SECOND);

            assertThat("no exception reaches the request", tokens.matches("new-token"), is(true));
            assertThat(tokens.matches("old-token"), is(true));
            assertThat("removed in the same edit", tokens.matches("removed-token"), is(false));
            assertThat(tokens.size(), is(2));
            assertThat(logs.text(), containsString("line 1: sha256: must be followed by 64 hexadecimal digits"));
            assertThat(logs.text(), containsString("line 4: not a bearer token"));
            assertThat("the content is never logged", logs.text(), not(containsString("\u0661")));
        }
    }

    @Test
    void missingFileAtStartIsAnErrorNamingTheFileAndSetting() {
        Path missing = dir.resolve("nope");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TokenFile.load(missing));
        assertThat(e.getMessage(), containsString(missing.toString()));
        assertThat(e.getMessage(), containsString("BOOKS_AUTH_TOKENS_FILE"));
    }

    @Test
    void emptyFileHoldsNoToken() throws IOException {
        TokenFile tokens = TokenFile.load(write("# nothing yet"));
        assertThat(tokens.size(), is(0));
        assertThat(tokens.matches("anything"), is(false));
        assertThat(tokens.path().toString(), not(""));
    }

    private Path write(String... lines) throws IOException {
        Path file = dir.resolve("tokens");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }
}

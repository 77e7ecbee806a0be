package dev.books.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Static bearer tokens from a secret file: one token per line, or {@code sha256:<64 hex digits>} of a token so the
 * file need not hold the token itself. Blank lines and lines starting with {@code #} are ignored.
 *
 * <p>Only SHA-256 digests are kept in memory, and a presented token is compared with every one of them in constant
 * time. The file is looked at again at most once a second (its modification time, size and identity; cheap), and
 * re-read when it changed, so tokens rotate without a restart. While it cannot be read no static token is accepted.
 */
public final class TokenFile {
    private static final System.Logger LOGGER = System.getLogger(TokenFile.class.getName());
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final String SHA256_PREFIX = "sha256:";

    private final Path path;
    private final LongSupplier nanoClock;
    private final AtomicLong nextCheck;
    private volatile Snapshot snapshot;

    private TokenFile(Path path, LongSupplier nanoClock, Snapshot snapshot) {
        this.path = path;
        this.nanoClock = nanoClock;
        this.snapshot = snapshot;
        this.nextCheck = new AtomicLong(nanoClock.getAsLong() + CHECK_INTERVAL.toNanos());
    }

    /** Throws {@link IllegalStateException} naming the file (never its content) when it cannot be read. */
    public static TokenFile load(Path path) {
        return load(path, System::nanoTime);
    }

    static TokenFile load(Path path, LongSupplier nanoClock) {
        try {
            return new TokenFile(path, nanoClock, read(path));
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException(
                    "Cannot read the tokens file " + path + " (books.auth.tokens-file / BOOKS_AUTH_TOKENS_FILE): "
                            + e.getClass().getSimpleName()
                            + ". Check that it exists and that the service's user may read it.",
                    e);
        }
    }

    /** Whether a token is one of the file's; re-reads the file first when it changed. */
    public boolean matches(String token) {
        checkForChanges();
        byte[] presented = sha256(token);
        boolean found = false;
        // Every entry is compared, with a constant-time comparison: the answer's timing tells nothing about which
        // entry came close.
        for (byte[] digest : snapshot.digests()) {
            found |= MessageDigest.isEqual(digest, presented);
        }
        return found;
    }

    public int size() {
        return snapshot.digests().size();
    }

    public Path path() {
        return path;
    }

    private void checkForChanges() {
        long now = nanoClock.getAsLong();
        long next = nextCheck.get();
        // One request a second looks at the file; the others use what was read, without waiting.
        if (now - next < 0 || !nextCheck.compareAndSet(next, now + CHECK_INTERVAL.toNanos())) {
            return;
        }
        Snapshot current = snapshot;
        try {
            Stamp stamp = Stamp.of(path);
            if (!stamp.equals(current.stamp())) {
                Snapshot fresh = read(path);
                snapshot = fresh;
                LOGGER.log(
                        Level.INFO,
                        "Tokens file " + path + " re-read: " + fresh.digests().size() + " token(s)");
            }
        } catch (IOException | RuntimeException e) {
            // Whatever went wrong, the request that happened to look goes on (no 500): without the file, no token.
            if (current.stamp() != null) {
                LOGGER.log(
                        Level.WARNING,
                        "Cannot read the tokens file " + path + " ("
                                + e.getClass().getSimpleName()
                                + "): no static token is accepted until it can be read again");
            }
            snapshot = new Snapshot(List.of(), null);
        }
    }

    private static Snapshot read(Path path) throws IOException {
        Stamp stamp = Stamp.of(path);
        // Bytes that are not UTF-8 become U+FFFD, which no token contains: that line is reported, the rest applies.
        List<String> lines = new String(Files.readAllBytes(path), StandardCharsets.UTF_8)
                .lines()
                .toList();
        List<byte[]> digests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean hashed = line.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length());
            String hex = line.substring(hashed ? SHA256_PREFIX.length() : 0);
            if (hashed ? hex.matches("[0-9a-fA-F]{64}") : BearerToken.isWellFormed(line)) {
                digests.add(hashed ? HexFormat.of().parseHex(hex) : sha256(line));
            } else {
                // The line number only: the line may be a token.
                LOGGER.log(
                        Level.WARNING,
                        "Tokens file " + path + ", line " + (i + 1) + ": "
                                + (hashed
                                        ? "sha256: must be followed by 64 hexadecimal digits"
                                        : "not a bearer token (letters, digits and -._~+/ only, then optional '='; "
                                                + "no spaces, no comments after the token)")
                                + "; ignored");
            }
        }
        return new Snapshot(List.copyOf(digests), stamp);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The digests of the valid lines, and the file's stamp when they were read ({@code null}: unreadable). */
    private record Snapshot(List<byte[]> digests, Stamp stamp) {}

    /** What tells that the file changed: modification time, size, and identity (a replaced file is a new inode). */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static Stamp of(Path path) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        }
    }
}

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients of the fault suite (src/test/fault/fault-suite.sh), one program with several modes, no dependencies:
 *
 * <pre>
 * mixed   writers and readers with per-request outcomes and every acknowledged write recorded
 * verify  acknowledged writes against the table (a psql dump): nothing lost, nothing garbled
 * rmw     read-modify-write with If-Match from several threads over several instances
 * slow    slowloris, idle keep-alive, slow and stalled bodies, while a normal client measures latency
 * cap     max-tcp-connections: connection cap+1 waits until idle connections are reaped
 * proxy   a TCP forwarder (the suite kills it with SIGKILL to cut the database off)
 * </pre>
 *
 * <p>HTTP/1.1 is spoken over plain sockets on purpose: every request has exactly one outcome (complete answer,
 * refused, no answer, truncated answer, time-out), with no hidden retries or pooling.
 *
 * <p>Run: {@code java FaultClient.java MODE --key value ...} (JDK 21+; the suite compiles it once with javac).
 */
public final class FaultClient {
    private FaultClient() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: FaultClient mixed|verify|rmw|slow|cap|proxy --key value ...");
            System.exit(2);
        }
        Args a = new Args(Arrays.copyOfRange(args, 1, args.length));
        int rc = switch (args[0]) {
            case "mixed" -> Mixed.run(a);
            case "verify" -> Verify.run(a);
            case "rmw" -> Rmw.run(a);
            case "slow" -> Slow.run(a);
            case "cap" -> Cap.run(a);
            case "proxy" -> Proxy.run(a);
            default -> {
                System.err.println("unknown mode " + args[0]);
                yield 2;
            }
        };
        System.out.flush();
        System.exit(rc);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Arguments, time, statistics
    // ----------------------------------------------------------------------------------------------------------

    static final class Args {
        private final Map<String, String> values = new HashMap<>();

        Args(String[] args) {
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --key value at " + args[i]);
                }
                values.put(args[i].substring(2), args[++i]);
            }
        }

        String get(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException("missing --" + key);
            }
            return v;
        }

        String get(String key, String def) {
            return values.getOrDefault(key, def);
        }

        int integer(String key, int def) {
            return Integer.parseInt(get(key, Integer.toString(def)));
        }

        double dbl(String key, double def) {
            return Double.parseDouble(get(key, Double.toString(def)));
        }

        List<URI> urls() {
            List<URI> list = new ArrayList<>();
            for (String u : get("urls").split(",")) {
                list.add(URI.create(u.trim()));
            }
            return list;
        }
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static void printFigures(Map<String, Object> figures) {
        figures.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    // ----------------------------------------------------------------------------------------------------------
    // A raw HTTP/1.1 keep-alive connection
    // ----------------------------------------------------------------------------------------------------------

    enum Outcome {
        /** A complete HTTP answer. */
        ANSWERED,
        /** The TCP connection was refused: nothing listens. */
        REFUSED,
        /** The connection failed before any byte of an answer arrived (reset, closed, unwritable). */
        NO_ANSWER,
        /** Part of an answer arrived, then the connection failed: must never happen. */
        TRUNCATED,
        /** No (complete) answer within the read time-out: a hang. */
        TIMEOUT
    }

    static final class HttpFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Outcome outcome;

        HttpFailure(Outcome outcome, String message) {
            super(message);
            this.outcome = outcome;
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final class Conn implements Closeable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final String host;
        long received;
        /** When the last request was completely written (epoch ms). */
        long sentAt;

        private Conn(Socket socket, String host) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16384);
            this.out = socket.getOutputStream();
            this.host = host;
        }

        static Conn open(URI base, int readTimeoutMs) throws HttpFailure {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
                s.setSoTimeout(readTimeoutMs);
                return new Conn(s, base.getHost() + ":" + base.getPort());
            } catch (ConnectException e) {
                closeQuietly(s);
                throw new HttpFailure(Outcome.REFUSED, "connect: " + e.getMessage());
            } catch (SocketTimeoutException e) {
                closeQuietly(s);
                throw new HttpFailure(Outcome.TIMEOUT, "connect timed out");
            } catch (IOException e) {
                closeQuietly(s);
                throw new HttpFailure(Outcome.NO_ANSWER, "connect: " + e);
            }
        }

        Response exchange(String method, String path, byte[] body, String... headers) throws HttpFailure {
            StringBuilder req = new StringBuilder(256)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append("\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            if (body != null) {
                req.append("Content-Length: ").append(body.length).append("\r\n");
            }
            req.append("\r\n");
            try {
                byte[] head = req.toString().getBytes(StandardCharsets.UTF_8);
                if (body == null) {
                    out.write(head);
                } else {
                    byte[] all = Arrays.copyOf(head, head.length + body.length);
                    System.arraycopy(body, 0, all, head.length, body.length);
                    out.write(all);
                }
                out.flush();
                sentAt = now();
            } catch (IOException e) {
                throw new HttpFailure(Outcome.NO_ANSWER, "write: " + e);
            }
            received = 0;
            try {
                return read(method);
            } catch (SocketTimeoutException e) {
                throw new HttpFailure(received == 0 ? Outcome.TIMEOUT : Outcome.TRUNCATED,
                        "read timed out after " + received + " bytes");
            } catch (IOException e) {
                throw new HttpFailure(received == 0 ? Outcome.NO_ANSWER : Outcome.TRUNCATED,
                        "read after " + received + " bytes: " + e);
            }
        }

        private Response read(String method) throws IOException {
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("bad status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headers = new HashMap<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                            (x, y) -> x + ", " + y);
                }
            }
            byte[] body;
            if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                while (true) {
                    String size = line();
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                    if (n == 0) {
                        while (!line().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    buf.write(exactly(n));
                    line();
                }
                body = buf.toByteArray();
            } else if (headers.containsKey("content-length")) {
                body = exactly(Integer.parseInt(headers.get("content-length")));
            } else {
                body = in.readAllBytes();
                received += body.length;
            }
            return new Response(status, headers, body);
        }

        private String line() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                received++;
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    buf.write(b);
                }
            }
            return buf.toString(StandardCharsets.ISO_8859_1);
        }

        private byte[] exactly(int n) throws IOException {
            byte[] data = new byte[n];
            int off = 0;
            while (off < n) {
                int r = in.read(data, off, n - off);
                if (r < 0) {
                    throw new EOFException("connection closed after " + off + " of " + n + " body bytes");
                }
                off += r;
                received += r;
            }
            return data;
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** One request on a reusable connection; reconnects after a failure. */
    static final class Client implements Closeable {
        private final URI base;
        private final int readTimeoutMs;
        private Conn conn;
        /** When the last request was completely written (epoch ms), 0 if it was not. */
        long sentAt;

        Client(URI base, int readTimeoutMs) {
            this.base = base;
            this.readTimeoutMs = readTimeoutMs;
        }

        Response send(String method, String path, byte[] body, String... headers) throws HttpFailure {
            sentAt = 0;
            if (conn == null) {
                conn = Conn.open(base, readTimeoutMs);
            }
            Conn c = conn;
            c.sentAt = 0;
            try {
                Response r = c.exchange(method, path, body, headers);
                if ("close".equalsIgnoreCase(r.header("connection"))) {
                    close();
                }
                return r;
            } catch (HttpFailure e) {
                close();
                throw e;
            } finally {
                sentAt = c.sentAt;
            }
        }

        @Override
        public void close() {
            closeQuietly(conn);
            conn = null;
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // JSON of a book (the suite's own values: no escapes needed beyond what is handled here)
    // ----------------------------------------------------------------------------------------------------------

    record Book(long id, String title, String author, int year, int version) {}

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern TITLE = Pattern.compile("\"title\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern AUTHOR = Pattern.compile("\"author\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern YEAR = Pattern.compile("\"year\":(-?\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    static Book parseBook(String json) {
        try {
            return new Book(
                    Long.parseLong(group(ID, json)),
                    unescape(group(TITLE, json)),
                    unescape(group(AUTHOR, json)),
                    Integer.parseInt(group(YEAR, json)),
                    Integer.parseInt(group(VERSION, json)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + p + " in " + s);
        }
        return m.group(1);
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(n);
            }
        }
        return b.toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static byte[] bookJson(String title, String author, int year) {
        return ("{\"title\":" + quote(title) + ",\"author\":" + quote(author) + ",\"year\":" + year + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An error answer must be problem JSON and must not leak internals. */
    static boolean leaks(Response r) {
        String t = r.text();
        return t.contains("Exception") || t.contains("SQL") || t.contains("\tat ") || t.contains("org.postgresql")
                || t.contains("INSERT") || t.contains("SELECT") || t.contains("password");
    }

    // ----------------------------------------------------------------------------------------------------------
    // mixed: writers and readers
    // ----------------------------------------------------------------------------------------------------------

    /**
     * Threads loop until --seconds pass or --stop-file exists. Each request is one line of requests.tsv: thread,
     * method, start ms, end ms, outcome, status, ms when completely sent (0: not sent), X-Request-Id, detail.
     * Writes (POST) have unique titles; with Idempotency-Key (odd threads) a failed write is retried with the same
     * key (at most 4 attempts). Every write is one line of attempts.tsv (title, author, year, keyed, final outcome,
     * whether any attempt's outcome is unknown), every 201 one line of acks.tsv (id, title, author, year,
     * version). Reads fetch the thread's own acknowledged books and compare them with what was acknowledged.
     * With --resolve-seconds N, each thread finally retries its keyed writes that got no 201 (same key, same body)
     * for up to N seconds: after an outage every keyed write must end with exactly one book.
     */
    static final class Mixed {
        static int run(Args a) throws Exception {
            List<URI> urls = a.urls();
            int threads = a.integer("threads", 8);
            long deadline = now() + a.integer("seconds", 10) * 1000L;
            double writeRatio = a.dbl("write-ratio", 0.5);
            String prefix = a.get("prefix");
            Path out = Path.of(a.get("out"));
            Path stop = Path.of(a.get("stop-file", out.resolve("stop").toString()));
            int readTimeout = a.integer("read-timeout-ms", 15000);
            String keyed = a.get("keyed", "odd"); // odd | none | all
            long resolveMs = a.integer("resolve-seconds", 0) * 1000L;
            Files.createDirectories(out);

            Stats stats = new Stats();
            ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> attempts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> acks = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                boolean useKey = keyed.equals("all") || (keyed.equals("odd") && t % 2 == 1);
                URI url = urls.get(t % urls.size());
                workers.add(Thread.ofPlatform().name("mixed-" + t).start(() -> worker(thread, url, useKey, deadline,
                        stop, writeRatio, prefix, readTimeout, resolveMs, stats, requests, attempts, acks)));
            }
            Thread health = null;
            HealthPoller poller = null;
            if (!a.get("health", "").isEmpty()) {
                poller = new HealthPoller(URI.create(a.get("health")), a.integer("health-interval-ms", 200),
                        deadline, stop);
                health = Thread.ofPlatform().name("health").start(poller);
            }
            for (Thread w : workers) {
                w.join();
            }
            if (health != null) {
                health.join();
                Files.write(out.resolve("health.tsv"), poller.lines, StandardCharsets.UTF_8);
            }
            Files.write(out.resolve("requests.tsv"), requests, StandardCharsets.UTF_8);
            Files.write(out.resolve("attempts.tsv"), attempts, StandardCharsets.UTF_8);
            Files.write(out.resolve("acks.tsv"), acks, StandardCharsets.UTF_8);
            printFigures(stats.figures());
            return 0;
        }

        /** One logical write: its content, its Idempotency-Key (or none) and what its attempts got. */
        static final class Write {
            final String title;
            final String author;
            final int year;
            final String key;
            int attempts;
            String outcome = "none";
            boolean unknown;
            boolean replayed;

            Write(String title, String author, int year, String key) {
                this.title = title;
                this.author = author;
                this.year = year;
                this.key = key;
            }

            String line() {
                return title + "\t" + author + "\t" + year + "\t" + (key == null ? 0 : 1) + "\t" + outcome + "\t"
                        + (unknown ? 1 : 0);
            }
        }

        private static void worker(int t, URI url, boolean useKey, long deadline, Path stop, double writeRatio,
                String prefix, int readTimeout, long resolveMs, Stats stats, ConcurrentLinkedQueue<String> requests,
                ConcurrentLinkedQueue<String> attempts, ConcurrentLinkedQueue<String> acks) {
            Random rnd = new Random(31L * t + prefix.hashCode());
            List<Book> mine = new ArrayList<>();
            List<Write> unresolved = new ArrayList<>();
            int seq = 0;
            int reads = 0;
            try (Client client = new Client(url, readTimeout)) {
                while (now() < deadline && !Files.exists(stop)) {
                    if (mine.isEmpty() || rnd.nextDouble() < writeRatio) {
                        seq++;
                        Write w = new Write(prefix + "-" + t + "-" + seq + " Ünïcödé ✓", "Writer " + t + " «" + prefix + "»",
                                1 + (seq * 7 + t) % 2500, useKey ? prefix + "-" + t + "-" + seq : null);
                        write(client, t, w, useKey ? 4 : 1, deadline, stats, requests, acks, mine);
                        stats.attempted.incrementAndGet();
                        attempts.add(w.line());
                        if (w.key != null && !w.outcome.equals("ack")) {
                            unresolved.add(w);
                        }
                    } else {
                        Book b = mine.get(rnd.nextInt(mine.size()));
                        reads++;
                        Result r = call(client, t, "GET", "/books/" + b.id(), null,
                                new String[] {"X-Request-Id", prefix + "-" + t + "-r" + reads}, stats, requests);
                        if (r.response != null && r.response.status() == 200) {
                            Book read = parseBook(r.response.text());
                            if (!b.equals(read)) {
                                stats.mismatches.incrementAndGet();
                                System.err.println("read " + r.response.text() + " but acknowledged " + b);
                            }
                        } else if (r.response != null && r.response.status() == 404) {
                            stats.readMissing.incrementAndGet();
                            System.err.println("acknowledged book " + b.id() + " not found");
                        }
                    }
                }
                // Keyed writes that got no 201: retry with the same key until answered (exactly one book per key).
                long resolveDeadline = now() + resolveMs;
                for (Write w : unresolved) {
                    while (!w.outcome.equals("ack") && now() < resolveDeadline) {
                        write(client, t, w, 1, resolveDeadline, stats, requests, acks, mine);
                        if (!w.outcome.equals("ack")) {
                            sleep(250);
                        }
                    }
                    if (w.outcome.equals("ack")) {
                        stats.keyedResolved.incrementAndGet();
                        if (w.replayed) {
                            stats.keyedReplayed.incrementAndGet();
                        }
                        attempts.add(w.line()); // the verifier keeps the last line of a title
                    } else if (resolveMs > 0) {
                        stats.keyedUnresolved.incrementAndGet();
                    }
                }
            }
        }

        /** Up to maxAttempts attempts of a write (retried on 503 or a lost answer); records a 201 as an ack. */
        private static void write(Client client, int t, Write w, int maxAttempts, long deadline, Stats stats,
                ConcurrentLinkedQueue<String> requests, ConcurrentLinkedQueue<String> acks, List<Book> mine) {
            for (int i = 1; i <= maxAttempts; i++) {
                w.attempts++;
                String[] headers = w.key != null
                        ? new String[] {"Content-Type", "application/json", "X-Request-Id", w.key + "-a" + w.attempts,
                            "Idempotency-Key", w.key}
                        : new String[] {"Content-Type", "application/json", "X-Request-Id",
                            w.title.substring(0, w.title.indexOf(' '))};
                Result r = call(client, t, "POST", "/books", bookJson(w.title, w.author, w.year), headers, stats,
                        requests);
                if (r.response != null && r.response.status() == 201) {
                    Book b = parseBook(r.response.text());
                    if (b == null || !b.title().equals(w.title) || !b.author().equals(w.author) || b.year() != w.year
                            || b.version() != 1) {
                        stats.mismatches.incrementAndGet();
                        System.err.println("201 body differs from the request: " + r.response.text());
                    }
                    if (b != null) {
                        acks.add(b.id() + "\t" + b.title() + "\t" + b.author() + "\t" + b.year() + "\t" + b.version());
                        mine.add(b);
                    }
                    stats.acked.incrementAndGet();
                    w.outcome = "ack";
                    w.replayed = "true".equals(r.response.header("idempotent-replayed"));
                    return;
                }
                w.outcome = r.label();
                if (r.outcome == Outcome.NO_ANSWER || r.outcome == Outcome.TIMEOUT || r.outcome == Outcome.TRUNCATED) {
                    w.unknown = true;
                }
                boolean retryable = r.response == null || r.response.status() == 503;
                if (!retryable || now() >= deadline) {
                    return;
                }
                if (i < maxAttempts) {
                    sleep(250);
                }
            }
        }

        record Result(Outcome outcome, Response response) {
            String label() {
                return response != null ? "http-" + response.status() : outcome.name().toLowerCase(Locale.ROOT);
            }
        }

        private static Result call(Client client, int t, String method, String path, byte[] body, String[] headers,
                Stats stats, ConcurrentLinkedQueue<String> requests) {
            long start = now();
            Response r = null;
            Outcome outcome;
            String detail = "";
            try {
                r = client.send(method, path, body, headers);
                outcome = Outcome.ANSWERED;
            } catch (HttpFailure e) {
                outcome = e.outcome;
                detail = e.getMessage();
            }
            long end = now();
            long sent = client.sentAt;
            String id = "";
            for (int i = 0; i + 1 < headers.length; i += 2) {
                if (headers[i].equals("X-Request-Id")) {
                    id = headers[i + 1];
                }
            }
            stats.record(outcome, r, end - start);
            if (outcome == Outcome.REFUSED) {
                sleep(50); // nothing listens: do not spin
            }
            requests.add(t + "\t" + method + "\t" + start + "\t" + end + "\t" + outcome.name().toLowerCase(Locale.ROOT)
                    + "\t" + (r == null ? 0 : r.status()) + "\t" + sent + "\t" + id + "\t"
                    + detail.replace('\t', ' ').replace('\n', ' '));
            return new Result(outcome, r);
        }
    }

    /** Counts of one client run. */
    static final class Stats {
        final AtomicLong requests = new AtomicLong();
        final Map<Outcome, AtomicLong> outcomes = new LinkedHashMap<>();
        final AtomicLong s2xx = new AtomicLong();
        final AtomicLong s4xx = new AtomicLong();
        final AtomicLong s503 = new AtomicLong();
        final AtomicLong s5xxOther = new AtomicLong();
        final AtomicLong s503NotProblem = new AtomicLong();
        final AtomicLong s503NoRetryAfter = new AtomicLong();
        final AtomicLong leaky = new AtomicLong();
        final AtomicLong mismatches = new AtomicLong();
        final AtomicLong readMissing = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong keyedResolved = new AtomicLong();
        final AtomicLong keyedReplayed = new AtomicLong();
        final AtomicLong keyedUnresolved = new AtomicLong();
        final AtomicLong maxFailedMs = new AtomicLong();
        final AtomicLong maxOkMs = new AtomicLong();
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

        Stats() {
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new AtomicLong());
            }
        }

        void record(Outcome outcome, Response r, long ms) {
            requests.incrementAndGet();
            outcomes.get(outcome).incrementAndGet();
            if (r == null) {
                if (outcome != Outcome.REFUSED) {
                    maxFailedMs.accumulateAndGet(ms, Math::max);
                }
                return;
            }
            latencies.add(ms);
            int s = r.status();
            if (s < 300) {
                s2xx.incrementAndGet();
                maxOkMs.accumulateAndGet(ms, Math::max);
            } else if (s < 500) {
                s4xx.incrementAndGet();
            } else if (s == 503) {
                s503.incrementAndGet();
                maxFailedMs.accumulateAndGet(ms, Math::max);
                if (!String.valueOf(r.header("content-type")).startsWith("application/problem+json")) {
                    s503NotProblem.incrementAndGet();
                }
                if (r.header("retry-after") == null) {
                    s503NoRetryAfter.incrementAndGet();
                }
            } else {
                s5xxOther.incrementAndGet();
                System.err.println("HTTP " + s + ": " + r.text());
            }
            if (s >= 400 && leaks(r)) {
                leaky.incrementAndGet();
                System.err.println("error body leaks internals: " + r.text());
            }
        }

        Map<String, Object> figures() {
            List<Long> sorted;
            synchronized (latencies) {
                sorted = new ArrayList<>(latencies);
            }
            Collections.sort(sorted);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("requests", requests.get());
            f.put("answered_2xx", s2xx.get());
            f.put("answered_4xx", s4xx.get());
            f.put("answered_503", s503.get());
            f.put("answered_5xx_other", s5xxOther.get());
            f.put("problem_503_not_json", s503NotProblem.get());
            f.put("problem_503_no_retry_after", s503NoRetryAfter.get());
            f.put("error_bodies_leaking", leaky.get());
            for (Map.Entry<Outcome, AtomicLong> e : outcomes.entrySet()) {
                if (e.getKey() != Outcome.ANSWERED) {
                    f.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue().get());
                }
            }
            f.put("content_mismatches", mismatches.get());
            f.put("acknowledged_reads_missing", readMissing.get());
            f.put("writes_attempted", attempted.get());
            f.put("writes_acknowledged", acked.get());
            f.put("keyed_resolved_by_retry", keyedResolved.get());
            f.put("keyed_resolved_by_replay", keyedReplayed.get());
            f.put("keyed_unresolved", keyedUnresolved.get());
            f.put("max_failed_ms", maxFailedMs.get());
            f.put("max_ok_ms", maxOkMs.get());
            f.put("p50_ms", percentile(sorted, 50));
            f.put("p99_ms", percentile(sorted, 99));
            return f;
        }
    }

    /** Polls readiness and liveness: one line per poll (time, ready status, live status, ready latency). */
    static final class HealthPoller implements Runnable {
        final List<String> lines = new ArrayList<>();
        private final URI base;
        private final int intervalMs;
        private final long deadline;
        private final Path stop;

        HealthPoller(URI base, int intervalMs, long deadline, Path stop) {
            this.base = base;
            this.intervalMs = intervalMs;
            this.deadline = deadline;
            this.stop = stop;
        }

        @Override
        public void run() {
            try (Client client = new Client(base, 10000)) {
                while (now() < deadline && !Files.exists(stop)) {
                    long start = now();
                    String ready = status(client, "/observe/health/ready");
                    long readyMs = now() - start;
                    String live = status(client, "/observe/health/live");
                    lines.add(start + "\t" + ready + "\t" + live + "\t" + readyMs);
                    sleep(Math.max(0, intervalMs - (now() - start)));
                }
            }
        }

        private static String status(Client client, String path) {
            try {
                return Integer.toString(client.send("GET", path, null).status());
            } catch (HttpFailure e) {
                return e.outcome.name().toLowerCase(Locale.ROOT);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // verify: acknowledged writes against the table
    // ----------------------------------------------------------------------------------------------------------

    /**
     * --out DIR (attempts.tsv, acks.tsv of one or more mixed runs, also in sub-directories) and --rows FILE: the
     * books whose title starts with the runs' prefix, as psql -At -F TAB prints {@code id, title, author,
     * publication_year, version}. Fails when an acknowledged write is missing or differs, when a row matches no
     * attempted write (garbled), or when a title is stored twice (a retried keyed write created two books).
     */
    static final class Verify {
        static int run(Args a) throws IOException {
            List<Path> dirs;
            try (var walk = Files.walk(Path.of(a.get("out")))) {
                dirs = walk.filter(p -> p.getFileName().toString().equals("attempts.tsv"))
                        .map(Path::getParent)
                        .toList();
            }
            Map<String, String[]> attempts = new HashMap<>();
            Map<Long, String[]> acks = new HashMap<>();
            int ackConflicts = 0;
            for (Path dir : dirs) {
                for (String line : Files.readAllLines(dir.resolve("attempts.tsv"), StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t", -1);
                    attempts.put(f[0], f);
                }
                for (String line : Files.readAllLines(dir.resolve("acks.tsv"), StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t", -1);
                    String[] previous = acks.put(Long.parseLong(f[0]), f);
                    if (previous != null && !previous[1].equals(f[1])) {
                        ackConflicts++; // one id acknowledged for two different books
                        System.err.println("id " + f[0] + " acknowledged twice: " + previous[1] + " / " + f[1]);
                    }
                }
            }
            Map<Long, String[]> rows = new HashMap<>();
            Map<String, Integer> titles = new HashMap<>();
            for (String line : Files.readAllLines(Path.of(a.get("rows")), StandardCharsets.UTF_8)) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                rows.put(Long.parseLong(f[0]), f);
                titles.merge(f[1], 1, Integer::sum);
            }
            int found = 0;
            int missing = 0;
            int differs = 0;
            for (Map.Entry<Long, String[]> e : acks.entrySet()) {
                String[] ack = e.getValue();
                String[] row = rows.get(e.getKey());
                if (row == null) {
                    missing++;
                    System.err.println("MISSING acknowledged book " + String.join(" | ", ack));
                } else if (!Arrays.equals(Arrays.copyOfRange(row, 1, 5), Arrays.copyOfRange(ack, 1, 5))) {
                    differs++;
                    System.err.println("DIFFERS acknowledged " + String.join(" | ", ack) + " stored "
                            + String.join(" | ", row));
                } else {
                    found++;
                }
            }
            int garbled = 0;
            int unackedLost = 0;
            int unacked503 = 0;
            for (String[] row : rows.values()) {
                String[] attempt = attempts.get(row[1]);
                if (attempt == null || !attempt[1].equals(row[2]) || !attempt[2].equals(row[3])
                        || !row[4].equals("1")) {
                    garbled++;
                    System.err.println("GARBLED row (no write sent exactly this): " + String.join(" | ", row));
                    continue;
                }
                if (!acks.containsKey(Long.parseLong(row[0]))) {
                    if (attempt[5].equals("1")) {
                        unackedLost++;
                    } else {
                        unacked503++;
                        System.err.println("stored although every attempt was answered (" + attempt[4] + "): "
                                + String.join(" | ", row));
                    }
                }
            }
            int duplicates = 0;
            for (Map.Entry<String, Integer> e : titles.entrySet()) {
                if (e.getValue() > 1) {
                    duplicates += e.getValue() - 1;
                    System.err.println("DUPLICATE: " + e.getValue() + " books titled " + e.getKey());
                }
            }
            long ackedWrites = attempts.values().stream().filter(f -> f[4].equals("ack")).count();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("writes_attempted", attempts.size());
            f.put("writes_acknowledged", ackedWrites);
            f.put("acknowledged_ids", acks.size());
            f.put("acknowledged_found_exact", found);
            f.put("acknowledged_missing", missing);
            f.put("acknowledged_differs", differs);
            f.put("ack_id_conflicts", ackConflicts);
            f.put("rows", rows.size());
            f.put("unacknowledged_rows_response_lost", unackedLost);
            f.put("unacknowledged_rows_answered_error", unacked503);
            f.put("garbled_rows", garbled);
            f.put("duplicate_rows", duplicates);
            printFigures(f);
            boolean ok = missing == 0 && differs == 0 && garbled == 0 && duplicates == 0 && ackConflicts == 0
                    && ackedWrites == acks.size();
            return ok ? 0 : 1;
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // rmw: read-modify-write with If-Match over several instances
    // ----------------------------------------------------------------------------------------------------------

    /**
     * Each thread loops until --seconds pass: GET /books/ID (ETag, year) on one instance, PUT {"year": year+1}
     * with If-Match on another; 200 counts as an applied increment, 412 means someone else won (read again).
     * Prints the number of 200s; the suite compares the stored year with initial + that number.
     */
    static final class Rmw {
        static int run(Args a) throws Exception {
            List<URI> urls = a.urls();
            int threads = a.integer("threads", 6);
            long id = Long.parseLong(a.get("id"));
            long deadline = now() + a.integer("seconds", 10) * 1000L;
            int maxYear = a.integer("max-year", 9000);
            AtomicLong ok = new AtomicLong();
            AtomicLong conflicts = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicLong unknown = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    List<Client> clients = new ArrayList<>();
                    for (URI u : urls) {
                        clients.add(new Client(u, 15000));
                    }
                    int i = thread;
                    while (now() < deadline) {
                        Client reader = clients.get(i % clients.size());
                        Client writer = clients.get((i + 1) % clients.size());
                        i++;
                        try {
                            Response got = reader.send("GET", "/books/" + id, null);
                            reads.incrementAndGet();
                            if (got.status() != 200) {
                                errors.incrementAndGet();
                                System.err.println("GET " + got.status() + " " + got.text());
                                continue;
                            }
                            Book b = parseBook(got.text());
                            if (b == null || b.year() >= maxYear) {
                                break;
                            }
                            String etag = got.header("etag");
                            byte[] body = ("{\"year\":" + (b.year() + 1) + "}").getBytes(StandardCharsets.UTF_8);
                            Response put = writer.send("PUT", "/books/" + id, body, "Content-Type", "application/json",
                                    "If-Match", etag);
                            if (put.status() == 200) {
                                ok.incrementAndGet();
                            } else if (put.status() == 412) {
                                conflicts.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                                System.err.println("PUT " + put.status() + " " + put.text());
                            }
                        } catch (HttpFailure e) {
                            // A PUT whose answer was lost may or may not have applied.
                            unknown.incrementAndGet();
                            System.err.println("no answer: " + e.getMessage());
                        }
                    }
                    clients.forEach(Client::close);
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("reads", reads.get());
            f.put("updates_200", ok.get());
            f.put("conflicts_412", conflicts.get());
            f.put("errors", errors.get());
            f.put("unknown", unknown.get());
            printFigures(f);
            return 0;
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // slow: hostile slow and idle connections while a normal client works
    // ----------------------------------------------------------------------------------------------------------

    /**
     * Opens --idle keep-alive connections (one complete request each, then silence), --slowloris connections that
     * dribble a request line and headers one byte per second, --slow-body connections that send a 1000-byte body
     * one byte per second and --stalled-body connections that send the headers and one byte of the body, then
     * nothing. While they are open a normal client sends --gets sequential GETs (all must get 200; latency
     * reported). Then it watches for --observe-seconds which hostile connections the server closes, and when.
     */
    static final class Slow {
        record Closed(String kind, long afterMs, String how) {}

        static int run(Args a) throws Exception {
            URI url = URI.create(a.get("url"));
            int idle = a.integer("idle", 500);
            int slowloris = a.integer("slowloris", 200);
            int slowBody = a.integer("slow-body", 5);
            int stalledBody = a.integer("stalled-body", 5);
            int gets = a.integer("gets", 500);
            long observeMs = a.integer("observe-seconds", 20) * 1000L;
            long start = now();
            long end = start + observeMs;
            ConcurrentLinkedQueue<Closed> closed = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
            AtomicLong setupFailures = new AtomicLong();
            CountDownLatch ready = new CountDownLatch(idle + slowloris + slowBody + stalledBody);
            List<Thread> threads = new ArrayList<>();
            List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < idle; i++) {
                threads.add(Thread.ofVirtual().start(() -> idleConnection(url, end, ready, sockets, closed,
                        setupFailures)));
            }
            String dribble = "GET /books/1 HTTP/1.1\r\nHost: " + url.getHost() + "\r\nUser-Agent: slowloris\r\nX-Dribble: "
                    + "a".repeat(200);
            for (int i = 0; i < slowloris; i++) {
                threads.add(Thread.ofVirtual().start(() -> dribbler("slowloris", url, dribble.getBytes(
                        StandardCharsets.US_ASCII), new byte[0], end, ready, sockets, closed, answers, setupFailures)));
            }
            String bodyHead = "POST /books HTTP/1.1\r\nHost: " + url.getHost()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
            byte[] body = ("{\"title\":\"slow\",\"author\":\"body\",\"year\":1}" + " ".repeat(1000))
                    .substring(0, 1000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < slowBody; i++) {
                threads.add(Thread.ofVirtual().start(() -> dribbler("slow-body", url, body, bodyHead.getBytes(
                        StandardCharsets.US_ASCII), end, ready, sockets, closed, answers, setupFailures)));
            }
            for (int i = 0; i < stalledBody; i++) {
                threads.add(Thread.ofVirtual().start(() -> dribbler("stalled-body", url, new byte[0],
                        (bodyHead + "{").getBytes(StandardCharsets.US_ASCII), end, ready, sockets, closed, answers,
                        setupFailures)));
            }
            boolean allOpen = ready.await(30, TimeUnit.SECONDS);
            long openedMs = now() - start;

            // The normal client, while every hostile connection is open.
            List<Long> latencies = new ArrayList<>();
            int okGets = 0;
            List<String> failures = new ArrayList<>();
            try (Client client = new Client(url, 10000)) {
                for (int i = 0; i < gets; i++) {
                    long s = System.nanoTime();
                    try {
                        Response r = client.send("GET", "/books/" + (1 + i % 2), null);
                        if (r.status() == 200) {
                            okGets++;
                        } else {
                            failures.add("HTTP " + r.status());
                        }
                    } catch (HttpFailure e) {
                        failures.add(e.outcome + " " + e.getMessage());
                    }
                    latencies.add((System.nanoTime() - s) / 1_000_000);
                }
            }
            long getsDoneMs = now() - start;
            for (Thread t : threads) {
                t.join(Math.max(1, end + 5000 - now()));
            }
            synchronized (sockets) {
                sockets.forEach(FaultClient::closeQuietly);
            }
            Collections.sort(latencies);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("hostile_open", allOpen ? "all" : "not-all");
            f.put("hostile_open_ms", openedMs);
            f.put("setup_failures", setupFailures.get());
            f.put("gets", gets);
            f.put("gets_ok", okGets);
            f.put("gets_failed", failures.size());
            f.put("gets_done_after_ms", getsDoneMs);
            f.put("get_p50_ms", percentile(latencies, 50));
            f.put("get_p99_ms", percentile(latencies, 99));
            f.put("get_max_ms", latencies.isEmpty() ? 0 : latencies.getLast());
            for (String kind : List.of("idle", "slowloris", "slow-body", "stalled-body")) {
                List<Closed> c = closed.stream().filter(x -> x.kind().equals(kind)).toList();
                String k = kind.replace('-', '_');
                f.put(k + "_closed_by_server", c.size());
                f.put(k + "_close_min_ms", c.stream().mapToLong(Closed::afterMs).min().orElse(-1));
                f.put(k + "_close_max_ms", c.stream().mapToLong(Closed::afterMs).max().orElse(-1));
            }
            Map<String, Long> answerCounts = new HashMap<>();
            answers.forEach(x -> answerCounts.merge(x, 1L, Long::sum));
            f.put("hostile_answers", answerCounts.isEmpty() ? "none" : answerCounts.toString().replace(' ', '_'));
            printFigures(f);
            failures.stream().limit(5).forEach(x -> System.err.println("normal GET failed: " + x));
            return 0;
        }

        private static Socket connect(URI url) throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10000);
            return s;
        }

        /** One complete request, then silence until the server closes the connection or the window ends. */
        private static void idleConnection(URI url, long end, CountDownLatch ready, List<Socket> sockets,
                ConcurrentLinkedQueue<Closed> closed, AtomicLong setupFailures) {
            Conn conn;
            try {
                conn = Conn.open(url, 10000);
                sockets.add(conn.socket);
                conn.exchange("GET", "/books/1", null);
            } catch (HttpFailure e) {
                setupFailures.incrementAndGet();
                ready.countDown();
                return;
            }
            long lastActivity = now();
            ready.countDown();
            try {
                conn.socket.setSoTimeout((int) Math.max(1, end - now()));
                int b = conn.socket.getInputStream().read();
                closed.add(new Closed("idle", now() - lastActivity, b < 0 ? "eof" : "data"));
            } catch (SocketTimeoutException e) {
                // still open at the end of the window
            } catch (IOException e) {
                closed.add(new Closed("idle", now() - lastActivity, "reset"));
            }
        }

        /** Sends head at once, then data one byte per second; records when (and how) the server ends it. */
        private static void dribbler(String kind, URI url, byte[] data, byte[] head, long end, CountDownLatch ready,
                List<Socket> sockets, ConcurrentLinkedQueue<Closed> closed, ConcurrentLinkedQueue<String> answers,
                AtomicLong setupFailures) {
            Socket s;
            long opened;
            try {
                s = connect(url);
                sockets.add(s);
                opened = now();
                s.getOutputStream().write(head);
                s.getOutputStream().flush();
            } catch (IOException e) {
                setupFailures.incrementAndGet();
                ready.countDown();
                return;
            }
            ready.countDown();
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                int i = 0;
                while (now() < end) {
                    if (i < data.length) {
                        out.write(data[i++]);
                        out.flush();
                    }
                    s.setSoTimeout((int) Math.max(1, Math.min(1000, end - now())));
                    try {
                        byte[] buf = new byte[512];
                        int n = in.read(buf);
                        if (n < 0) {
                            closed.add(new Closed(kind, now() - opened, "eof"));
                            return;
                        }
                        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                        answers.add(kind + ":" + (text.length() >= 12 ? text.substring(9, 12) : "partial"));
                        // the server answered (e.g. an error); wait for it to close
                        s.setSoTimeout((int) Math.max(1, end - now()));
                        while (in.read(buf) >= 0) {
                            // drain
                        }
                        closed.add(new Closed(kind, now() - opened, "eof-after-answer"));
                        return;
                    } catch (SocketTimeoutException e) {
                        // nothing yet: dribble on
                    }
                }
            } catch (SocketTimeoutException e) {
                // window ended
            } catch (IOException e) {
                closed.add(new Closed(kind, now() - opened, "reset"));
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // cap: max-tcp-connections
    // ----------------------------------------------------------------------------------------------------------

    /**
     * Opens --cap silent connections, then one more that sends GET /books/1: it must not be answered within
     * --hold-ms (the server does not accept it: the cap holds), and must be answered within --bound-ms once the
     * idle-connection timer has closed the silent ones (the cap does not wedge the server).
     */
    static final class Cap {
        static int run(Args a) throws Exception {
            URI url = URI.create(a.get("url"));
            int cap = a.integer("cap", 50);
            long holdMs = a.integer("hold-ms", 2000);
            long boundMs = a.integer("bound-ms", 20000);
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < cap; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
                    silent.add(s);
                }
                sleep(300); // let the server accept them
                long start = now();
                String outcome;
                long answeredMs = -1;
                try (Conn extra = Conn.open(url, (int) boundMs)) {
                    Response r = extra.exchange("GET", "/books/1", null);
                    answeredMs = now() - start;
                    outcome = "http-" + r.status();
                } catch (HttpFailure e) {
                    outcome = e.outcome.name().toLowerCase(Locale.ROOT);
                }
                int closedBySever = 0;
                for (Socket s : silent) {
                    s.setSoTimeout(1);
                    try {
                        if (s.getInputStream().read() < 0) {
                            closedBySever++;
                        }
                    } catch (SocketTimeoutException e) {
                        // open
                    } catch (IOException e) {
                        closedBySever++;
                    }
                }
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("cap", cap);
                f.put("extra_outcome", outcome);
                f.put("extra_answered_after_ms", answeredMs);
                f.put("extra_held_at_least_ms", holdMs);
                f.put("silent_closed_by_server", closedBySever);
                printFigures(f);
                boolean held = answeredMs < 0 || answeredMs >= holdMs;
                return held ? 0 : 1;
            } finally {
                silent.forEach(FaultClient::closeQuietly);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // proxy: a TCP forwarder between the service and PostgreSQL
    // ----------------------------------------------------------------------------------------------------------

    /** --listen PORT --target HOST:PORT; loopback only; runs until killed. */
    static final class Proxy {
        static int run(Args a) throws Exception {
            int listen = Integer.parseInt(a.get("listen"));
            String[] target = a.get("target").split(":");
            InetSocketAddress to = new InetSocketAddress(target[0], Integer.parseInt(target[1]));
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen), 200);
                System.out.println("proxy listening on " + listen + " -> " + a.get("target"));
                System.out.flush();
                while (true) {
                    Socket client = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (client; Socket upstream = new Socket()) {
                            upstream.connect(to, 5000);
                            client.setTcpNoDelay(true);
                            upstream.setTcpNoDelay(true);
                            Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
                            pump(client, upstream);
                            back.join();
                        } catch (IOException | InterruptedException e) {
                            // connection over
                        }
                    });
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // peer gone
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }
}

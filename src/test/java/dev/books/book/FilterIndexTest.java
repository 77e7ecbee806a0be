package dev.books.book;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.books.PostgresTest;
import dev.books.TestDatabase;
import dev.books.db.Database;
import dev.books.db.Sql;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The list statements of every filter combination use an index on a large table: PostgreSQL's plan for each, with
 * realistic parameters on 50,000 books with varied text, has no sequential scan of {@code books}. A search is
 * planned for its own term however often a connection has run it.
 */
@PostgresTest
class FilterIndexTest {
    private static final int BOOKS = 50_000;
    private static TestDatabase database;

    @BeforeAll
    static void fill() throws Exception {
        database = TestDatabase.postgres();
        database.start();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            // Varied text, as real titles are (repetitive synthetic text would make every trigram common), and
            // 25 books per author.
            statement.execute("INSERT INTO books (title, author, publication_year) SELECT initcap(md5(g::text)), "
                    + "'Author ' || substr(md5((g % 2000)::text), 1, 10), 1800 + (g % 220) "
                    + "FROM generate_series(1, " + BOOKS + ") g");
            // A rare phrase of words that are each common enough: 4 books have both words, 12 one of them.
            statement.execute("INSERT INTO books (title, author, publication_year) SELECT t, 'Ann Smith', 2001 "
                    + "FROM unnest(ARRAY['Copper Dockyard', 'The COPPER DOCKYARD', 'Copper Dockyards', 'Mill', "
                    + "'Copper Mill', 'Copper', 'Dockyard', 'Dockyard Copper', 'A Copper-Dockyard']) t");
            statement.execute("UPDATE books SET author = 'copper dockyard' WHERE id = 777");
            statement.execute("INSERT INTO books (title, author, publication_year) SELECT 'Copper ' || g, 'Dockyard "
                    + "Press', 1990 FROM generate_series(1, 6) g");
            statement.execute("ANALYZE books");
        }
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "list-books",
                "list-books-author",
                "list-books-year",
                "list-books-author-year",
                "list-books-q",
                "list-books-author-q",
                "list-books-year-q",
                "list-books-author-year-q",
                "list-books-isbn"
            })
    void everyFilterCombinationAvoidsAFullScan(String statementName) throws Exception {
        String author = "Author " + md5(1234).substring(0, 10);
        BookFilter filter = new BookFilter(
                statementName.contains("author") ? author : null,
                statementName.contains("year") ? 1834 : null,
                statementName.endsWith("-q") ? md5(4321).substring(4, 12) : null,
                statementName.endsWith("-isbn") ? "9780441172719" : null);
        String sql = BookStatements.all().get(statementName);
        Object[] parameters = filter.parameters(0, 101);
        assertThat(filter.statement(), is(statementName));

        String plan = explain(sql, parameters);

        assertThat(statementName + " plan:\n" + plan, plan, not(containsString("Seq Scan on books")));
    }

    @Test
    void aSearchIsNeverPreparedForAGenericPlan() {
        // pg_prepared_statements lists the statements the server keeps prepared on this session; a kept one may be
        // run with a generic plan, made without the search term, from its sixth execution on.
        Config statements = statements(
                Map.of("s.kept", "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%search_text%'"));
        BookFilter filter = new BookFilter(null, null, "zzqx", null);
        try (Database service = TestDatabase.start(database.config(false), statements)) {
            Sql sql = service.sql().with(BookStatements.all());
            long planned = sql.transaction(tx -> {
                for (int i = 0; i < 10; i++) {
                    new BookRepository(tx).list(filter, 0, 100);
                }
                return kept(tx);
            });
            long plain = sql.transaction(tx -> {
                for (int i = 0; i < 10; i++) {
                    tx.list("list-books-q", Book::reader, filter.parameters(0, 100));
                }
                return kept(tx);
            });

            assertThat("searches through the repository", planned, is(0L));
            assertThat("the same statement run as a plain list", plain, is(1L));
        }
    }

    @Test
    void aSearchOfRareWordsAsksTheIndexForTwoOfItsTrigramsAndFindsWhatTheWholeTermFinds() throws Exception {
        BookFilter filter = new BookFilter(null, null, "Copper Dockyard", null);
        try (Database service = TestDatabase.start(database.config(false), statements(Map.of()))) {
            Sql sql = service.sql().with(BookStatements.all());
            BookRepository books = new BookRepository(sql);
            List<String> rare = new RareTrigrams(sql).of(filter.q());
            // The same statement name answering nothing: the repository's search goes through it.
            Sql nothingRare = sql.with(Map.of(
                    "list-books-q-rare",
                    "SELECT " + String.join(", ", Book.COLUMNS) + " FROM books WHERE CAST(? AS text) = '' AND "
                            + "CAST(? AS text) = '' AND CAST(? AS text) = '' AND id > ? ORDER BY id LIMIT ?"));

            List<Long> found = ids(books.list(filter, 0, 100));
            List<Long> nextPage = ids(books.list(filter, found.get(1), 100));
            List<Long> wholeTerm = ids(sql.list("list-books-q", Book::reader, filter.parameters(0, 100)));

            assertThat("sampled from PostgreSQL's statistics", rare.size(), is(2));
            assertThat(ids(new BookRepository(nothingRare).list(filter, 0, 100)), is(List.of()));
            assertThat(found, is(wholeTerm));
            assertThat("by 777's author and 3 titles", found.size(), is(4));
            assertThat(found.get(0), is(777L));
            assertThat(nextPage, is(found.subList(2, 4)));
            String plan = explain(
                    BookStatements.all().get("list-books-q-rare"),
                    Stream.concat(rare.stream(), Arrays.stream(filter.parameters(0, 100)))
                            .toArray());
            String indexCondition = plan.lines()
                    .filter(line -> line.contains("Index Cond"))
                    .findFirst()
                    .orElseThrow();
            assertThat(plan, containsString("Bitmap Index Scan on books_search_trgm"));
            assertThat(
                    "the whole term is tested on the candidates only", indexCondition, not(containsString("dockyard")));
        }
    }

    private static Config statements(Map<String, String> statements) {
        Map<String, String> all = new java.util.HashMap<>(statements);
        all.put("s.none", "SELECT 1");
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(all))
                .build()
                .get("s");
    }

    private static List<Long> ids(List<Book> books) {
        return books.stream().map(Book::id).toList();
    }

    private static long kept(Sql tx) {
        return tx.one("kept", rs -> rs.getLong(1)).orElseThrow();
    }

    private static String md5(int value) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5")
                        .digest(Integer.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private static String explain(String sql, Object[] parameters) throws Exception {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}

package dev.books;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.books.book.BookStatements;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * No SQL is built from request values: all SQL lives as named statements with bound parameters, in application.yaml
 * or, for the books table, made once from its column names in {@code BookStatements}; the rest of the Java code
 * only refers to those names. Fails on SQL text elsewhere in Java, on unnamed DbClient statements or JDBC calls
 * taking SQL outside {@code dev.books.db.Sql} (which takes statement names only), and on statements that are not
 * plain parameterised text.
 */
class SqlStatementsTest {
    private static final Path MAIN = Path.of("src/main/java");
    /** The one class that hands statement text (looked up by name) to JDBC. */
    private static final Path SQL_RUNNER = MAIN.resolve("dev/books/db/Sql.java");
    /** The one class that writes SQL in Java: the books table's statements, from its column names. */
    private static final Path BOOK_STATEMENTS = MAIN.resolve("dev/books/book/BookStatements.java");
    /** DbClient methods taking SQL text, and JDBC methods executing it. */
    private static final Pattern SQL_TAKING_CALL = Pattern.compile(
            "\\.(createQuery|createGet|createInsert|createUpdate|createDelete|createDmlStatement|prepareStatement"
                    + "|prepareCall|createStatement|executeQuery|executeUpdate|addBatch|nativeSQL)\\(");
    /** An SQL statement in a Java string literal. */
    private static final Pattern SQL_LITERAL = Pattern.compile(
            "\"[^\"]*\\b(SELECT|INSERT|UPDATE|DELETE|ALTER|DROP|CREATE)\\b[^\"]*\"", Pattern.CASE_INSENSITIVE);

    /** A statement name: the first argument of a {@code Sql} call, or a name a method returns for one. */
    private static final Pattern NAMED_USE =
            Pattern.compile("(?:\\.(?:one|list|update|change)\\(\\s*|->\\s*|\\?\\s*|:\\s*)\"([a-z]+(?:-[a-z0-9]+)+)\"");

    @Test
    void javaCodeHoldsNoSqlAndCallsNoSqlTakingMethod() throws IOException {
        List<String> findings = new ArrayList<>();
        for (Path file : javaFiles()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("*") || line.strip().startsWith("//")) {
                    continue;
                }
                if (SQL_TAKING_CALL.matcher(line).find() && !file.equals(SQL_RUNNER)) {
                    findings.add(file + ":" + (i + 1) + " calls a method taking SQL text: " + line.strip());
                }
                Matcher literal = SQL_LITERAL.matcher(line);
                if (literal.find() && looksLikeSql(literal.group()) && !file.equals(BOOK_STATEMENTS)) {
                    findings.add(file + ":" + (i + 1) + " holds SQL in a string: " + line.strip());
                }
            }
        }
        assertThat(findings, is(empty()));
    }

    @Test
    void everyStatementIsStaticParameterisedSql() {
        List<String> findings = new ArrayList<>();
        allStatements().forEach((name, sql) -> {
            if (sql.contains("${")
                    || sql.contains("%s")
                    || sql.contains("'")
                    || sql.contains("--")
                    || sql.contains(";")) {
                findings.add(name + " is not plain parameterised SQL: " + sql);
            }
            if (Pattern.compile(":[a-zA-Z]").matcher(sql).find()) {
                findings.add(name + " mixes named parameters in: " + sql);
            }
        });
        assertThat(findings, is(empty()));
    }

    @Test
    void everyStatementNameUsedInCodeExists() throws IOException {
        Set<String> defined = new TreeSet<>(allStatements().keySet());
        Set<String> missing = new TreeSet<>();
        for (Path file : javaFiles()) {
            Matcher use = NAMED_USE.matcher(Files.readString(file));
            while (use.find()) {
                if (!defined.contains(use.group(1))) {
                    missing.add(file + ": " + use.group(1));
                }
            }
        }
        assertThat(defined.size() > 10, is(true));
        assertThat(missing, is(empty()));
    }

    /** The statements of application.yaml and of the books table, as the service runs them. */
    private static Map<String, String> allStatements() {
        Map<String, String> all = new TreeMap<>(BookStatements.all());
        Config.create()
                .get("db.statements")
                .asNodeList()
                .orElseThrow()
                .forEach(node -> assertThat(
                        node.name() + " is named once",
                        all.put(node.name(), node.asString().get()),
                        is(nullValue())));
        return all;
    }

    private static boolean looksLikeSql(String literal) {
        // "SELECT ... FROM", "INSERT INTO", "UPDATE ... SET", "DELETE FROM", DDL: a keyword pair, not one word.
        return Pattern.compile("(?i)\\b(SELECT\\b.*\\bFROM|INSERT\\s+INTO|UPDATE\\b.*\\bSET|DELETE\\s+FROM"
                        + "|(ALTER|DROP|CREATE)\\s+(TABLE|INDEX|DATABASE|EXTENSION))\\b")
                .matcher(literal)
                .find();
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}

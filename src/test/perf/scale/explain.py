"""EXPLAIN (ANALYZE, BUFFERS) of every read statement of the books table (BookStatements) on a scale database, with the plan
PostgreSQL makes for the values (plan_cache_mode = force_custom_plan) and the generic plan it may switch a prepared
statement to after five executions (force_generic_plan). Usage: explain.py DATABASE BOOKS FULL_OUTPUT_FILE
Prints one summary line per statement, values and mode; writes the full plans to FULL_OUTPUT_FILE."""
import os
import re
import subprocess
import sys

db, books, full_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# The statements as the service makes them (dev.books.book.BookStatements), from the packaged jar.
printed = subprocess.run([os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "-cp", "target/books.jar", "src/test/perf/scale/PrintStatements.java"],
                         capture_output=True, text=True, check=True).stdout
statements = dict(line.split("\t", 1) for line in printed.splitlines())


def psql(sql):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1"],
                          input=sql, capture_output=True, text=True, check=True).stdout


author = psql("SELECT author FROM books WHERE id = %d" % (books // 2)).strip()
isbn = psql("SELECT isbn FROM books WHERE id = %d" % (books // 3)).strip()
deep = books * 9 // 10
terms = {"rare": "copper dockyard", "common": "garden", "3-char": "owl", "the": "the", "none": "zzqx"}
cases = [("get-book", "id", [books // 2]),
         ("list-books", "first page", [0, 100]),
         ("list-books", "after 90 %", [deep, 100]),
         ("list-books-author", "author", [author, 0, 100]),
         ("list-books-year", "year", [1900, 0, 100]),
         ("list-books-author-year", "author, year", [author, 1900, 0, 100]),
         ("list-books-isbn", "isbn", [isbn, 0, 100])]
for label, term in terms.items():
    cases.append(("list-books-q", "q " + label + " '" + term + "'", ["%" + term + "%", 0, 100]))


def rare_trigrams(term):
    """The two trigrams the service asks the index for (dev.books.book.RareTrigrams), from the same sample."""
    counts = {}
    for text in psql("SELECT search_text FROM search_sample").splitlines():
        for trigram in {w[i:i + 3] for w in re.findall(r"[a-z0-9]{3,}", text) for i in range(len(w) - 2)}:
            counts[trigram] = counts.get(trigram, 0) + 1
    best = [min((w[i:i + 3] for i in range(len(w) - 2)), key=lambda t: counts.get(t, 0))
            for w in re.findall(r"[a-z0-9]{3,}", term)]
    return ["%" + t + "%" for t in sorted(best, key=lambda t: counts.get(t, 0))[:2]]


cases.append(("list-books-q-rare", "q rare, 2 trigrams", rare_trigrams(terms["rare"]) + ["%" + terms["rare"] + "%", 0, 100]))
cases += [("list-books-author-q", "author, q common", [author, "%garden%", 0, 100]),
          ("list-books-year-q", "year, q none", [1900, "%zzqx%", 0, 100]),
          ("list-books-author-year-q", "author, year, q", [author, 1900, "%garden%", 0, 100])]


def literal(value):
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def numbered(sql):
    count = 0

    def next_param(_):
        nonlocal count
        count += 1
        return "$%d" % count
    return re.sub(r"\?", next_param, sql)


with open(full_path, "w") as full:
    for name, label, values in cases:
        for mode in ("force_custom_plan", "force_generic_plan"):
            sql = (f"SET plan_cache_mode = {mode};\nPREPARE p AS {numbered(statements[name])};\n"
                   f"EXECUTE p({', '.join(map(literal, values))});\n"  # warms the cache and the backend
                   f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE p({', '.join(map(literal, values))});\n")
            lines = [line for line in psql(sql).splitlines() if line.strip()]
            plan = lines[next(i for i, line in enumerate(lines) if "(cost=" in line):]
            full.write(f"### {name} ({label}), {mode}\n" + "\n".join(plan) + "\n\n")
            nodes = [re.sub(r"\s+\(cost=.*", "", line.strip().lstrip("-> ").strip()) for line in plan
                     if "(cost=" in line and not line.strip().startswith("Buffers")]
            time = next(line.split(":")[1].strip() for line in plan if line.startswith("Execution Time"))
            print(f"| {name} | {label} | {'custom' if 'custom' in mode else 'generic'} | "
                  f"{' > '.join(nodes[:4])} | {time} |")

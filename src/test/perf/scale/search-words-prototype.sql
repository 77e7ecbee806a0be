-- PROTOTYPE, not a migration of the service (issue 27 research, 2026-12-07; figures in search-research.md).
-- q (case-insensitive substring of title or author, search_text LIKE lower(?)) in well under 1 ms at 1 M books.
-- search_text splits into words at white space and chr(1); a term without white space occurs in a book iff it is a
-- substring of one of the book's words. book_words (word, book_id) gives each word's books in id order, so a page
-- is the first ids of the few vocabulary words that contain the term (no walk over non-matching books).
-- A term with white space keeps the trigram index, asked only for the rarest trigram of its two rarest words.
CREATE TABLE search_words (word TEXT PRIMARY KEY, books BIGINT NOT NULL DEFAULT 0);  -- books: refreshed, approximate
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);
CREATE TABLE book_words (word TEXT NOT NULL, book_id BIGINT NOT NULL, PRIMARY KEY (word, book_id));
CREATE TABLE search_trigrams (trgm TEXT PRIMARY KEY, books BIGINT NOT NULL);          -- refreshed, sampled

CREATE FUNCTION search_words_of(text) RETURNS SETOF text IMMUTABLE STRICT LANGUAGE sql
    AS $$ SELECT DISTINCT w FROM regexp_split_to_table($1, E'[[:space:]\\x01]+') w WHERE w <> '' $$;

CREATE FUNCTION book_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM book_words WHERE book_id = OLD.id AND word IN (SELECT search_words_of(OLD.search_text));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_words (word) SELECT search_words_of(NEW.search_text) ORDER BY 1 ON CONFLICT DO NOTHING;
        INSERT INTO book_words (word, book_id) SELECT search_words_of(NEW.search_text), NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER books_words_ins_del AFTER INSERT OR DELETE ON books FOR EACH ROW EXECUTE FUNCTION book_words_sync();
CREATE TRIGGER books_words_upd AFTER UPDATE OF title, author ON books FOR EACH ROW
    WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION book_words_sync();

-- Counts only steer the choice of plan (never the results); run after big loads and e.g. daily.
CREATE FUNCTION refresh_search_statistics() RETURNS void LANGUAGE sql AS $$
    UPDATE search_words s SET books = c.n FROM (SELECT word, count(*) n FROM book_words GROUP BY word) c
        WHERE s.word = c.word AND s.books IS DISTINCT FROM c.n;
    DELETE FROM search_trigrams;
    INSERT INTO search_trigrams
    SELECT t, count(*) * 100 / 5 FROM (SELECT search_text FROM books TABLESAMPLE SYSTEM (5)) b,
        LATERAL (SELECT DISTINCT substr(w, i, 3) t FROM regexp_split_to_table(b.search_text, '[^[:alnum:]]+') w,
                 generate_series(1, length(w) - 2) i) x GROUP BY t;
$$;

INSERT INTO search_words (word) SELECT DISTINCT search_words_of(search_text) FROM books;
INSERT INTO book_words (word, book_id) SELECT search_words_of(search_text), id FROM books;
SELECT refresh_search_statistics();

-- The page after `after` of books whose search_text contains the LIKE pattern pat ('%' || escaped lower term || '%').
CREATE FUNCTION search_books(pat TEXT, after BIGINT, lim INT) RETURNS SETOF books STABLE LANGUAGE plpgsql
    SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    nwords INT; nbooks FLOAT8; total FLOAT8; pre TEXT[];
BEGIN
    total := greatest((SELECT reltuples FROM pg_class WHERE oid = 'books'::regclass), 1);
    IF pat !~ '[[:space:]]' THEN
        SELECT count(*), coalesce(sum(books), 0) INTO nwords, nbooks FROM search_words WHERE word LIKE pat;
        IF nwords <= 64 AND nbooks < 0.03 * total THEN   -- else a common term: walking the ids finds a page at once
            RETURN QUERY SELECT b.* FROM books b WHERE b.id IN (
                SELECT DISTINCT x.book_id FROM search_words w CROSS JOIN LATERAL (
                    SELECT bw.book_id FROM book_words bw WHERE bw.word = w.word AND bw.book_id > after
                    ORDER BY bw.book_id LIMIT lim) x
                WHERE w.word LIKE pat ORDER BY x.book_id LIMIT lim)
              AND b.search_text LIKE pat ORDER BY b.id LIMIT lim;
            RETURN;
        END IF;
    ELSE
        -- per word (alphanumeric run) its rarest trigram; the two rarest words', if together they look rare
        SELECT array_agg('%' || t || '%') INTO pre FROM (
            SELECT t, n FROM (
                SELECT DISTINCT ON (wi) wi, substr(w, i, 3) t, coalesce(s.books, 0) n
                FROM regexp_split_to_table(pat, '[^[:alnum:]]+') WITH ORDINALITY ws(w, wi)
                CROSS JOIN generate_series(1, length(w) - 2) i
                LEFT JOIN search_trigrams s ON s.trgm = substr(w, i, 3)
                ORDER BY wi, n, t) best
            ORDER BY n, t LIMIT 2) two
        HAVING count(*) = 2 AND exp(sum(ln(greatest(n, 1)::float8))) / total < 0.001 * total;
        IF pre IS NOT NULL THEN
            RETURN QUERY SELECT b.* FROM books b
                WHERE b.search_text LIKE pre[1] AND b.search_text LIKE pre[2]
                  AND (b.search_text LIKE pat) IS TRUE AND b.id > after ORDER BY b.id LIMIT lim;
            RETURN;
        END IF;
    END IF;
    -- the statement of V8, planned for this term
    RETURN QUERY EXECUTE 'SELECT * FROM books WHERE search_text LIKE $1 AND id > $2 ORDER BY id LIMIT $3'
        USING pat, after, lim;
END $$;

-- Every trigram search reads the whole GIN pending list (5,000 new books: +0.9 ms per search); insert it directly.
ALTER INDEX books_search_trgm SET (fastupdate = off);
ALTER INDEX search_words_trgm SET (fastupdate = off);
SELECT gin_clean_pending_list('books_search_trgm');

-- One column for q: title and author lower-cased, joined by a character that a term never contains (q refuses
-- control characters), so a term cannot match across the two. The search becomes search_text LIKE lower(?),
-- which means what title ILIKE ? OR author ILIKE ? meant (PostgreSQL's ILIKE lower-cases both sides the same way)
-- and tests a book several times faster; one trigram index replaces the two (docs/performance.md).
-- Adding a stored generated column rewrites the table once, with books locked meanwhile (docs/operations.md,
-- "Upgrading the service"); dropping the old indexes first spares rebuilding them.
DROP INDEX books_title_trgm;
DROP INDEX books_author_trgm;
ALTER TABLE books
    ADD COLUMN search_text TEXT GENERATED ALWAYS AS (lower(title) || chr(1) || lower(author)) STORED;
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX books_search_trgm ON books USING gin (search_text gin_trgm_ops);
-- The finer statistics of V7 move to the searched column; author keeps them (frequent authors' counts).
ALTER TABLE books ALTER COLUMN search_text SET STATISTICS 1000, ALTER COLUMN title SET STATISTICS -1;
-- Without statistics on the new column the planner would guess how many books a term matches until autovacuum
-- gets to it; this reads a sample of the books.
ANALYZE books (search_text);

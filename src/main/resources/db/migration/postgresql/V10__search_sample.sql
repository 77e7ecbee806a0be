-- A sample of the searched text for choosing which trigrams of a term to ask the index for (book/RareTrigrams):
-- the values of the histogram PostgreSQL's own ANALYZE keeps for search_text (1000 entries, V8), so the sample
-- costs nothing to keep and follows the catalogue as autovacuum analyzes it. Empty until the first ANALYZE.
CREATE VIEW search_sample AS
    SELECT unnest(histogram_bounds::text::text[]) AS search_text FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'books' AND attname = 'search_text';

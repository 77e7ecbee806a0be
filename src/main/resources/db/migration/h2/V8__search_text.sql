-- H2's form of postgresql/V8__search_text.sql (H2 has no STORED keyword and no trigram index: q scans there).
ALTER TABLE books
    ADD COLUMN search_text VARCHAR(1001) GENERATED ALWAYS AS (LOWER(title) || CHR(1) || LOWER(author));

-- H2's form of postgresql/V8__search_text.sql (H2 has no STORED keyword and no trigram index: q scans there).
-- Title and author hold up to 1000 UTF-16 units each on H2 (V6_1), so the joined column needs 2001.
ALTER TABLE books
    ADD COLUMN search_text VARCHAR(2001) GENERATED ALWAYS AS (LOWER(title) || CHR(1) || LOWER(author));

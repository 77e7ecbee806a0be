-- Titles and authors hold up to 500 characters counted in Unicode code points (the API's rule, as JSON Schema
-- counts). PostgreSQL's VARCHAR(n) counts code points, H2's counts UTF-16 units, where a character beyond the Basic
-- Multilingual Plane (an emoji) takes two: 1000 units hold 500 of any character on both. Widening a VARCHAR
-- does not rewrite the table on PostgreSQL.
ALTER TABLE books ALTER COLUMN title SET DATA TYPE VARCHAR(1000);
ALTER TABLE books ALTER COLUMN author SET DATA TYPE VARCHAR(1000);

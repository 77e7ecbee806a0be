-- The two books of the original API, on a fresh database only (books.sample-data: false skips them).
-- Inserted one by one so that they get ids 1 and 2.
INSERT INTO books (title, author, publication_year)
SELECT '1984', 'George Orwell', 1949 WHERE '${sample_data}' = 'true';
INSERT INTO books (title, author, publication_year)
SELECT 'To Kill a Mockingbird', 'Harper Lee', 1960 WHERE '${sample_data}' = 'true';

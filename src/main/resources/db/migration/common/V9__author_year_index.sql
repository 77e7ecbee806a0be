-- GET /books?author=&year= (with or without q) in id order from one index: with only (author, id) and
-- (publication_year, id) a frequent author in a given year made PostgreSQL combine or walk whole index ranges
-- (docs/performance.md). (author, id) stays: author alone pages by id.
CREATE INDEX books_author_year_id ON books (author, publication_year, id);

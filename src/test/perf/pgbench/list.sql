-- GET /books?limit=100: the service's list-books statement (limit + 1 rows, to know if a next page exists).
SELECT id, title, author, publication_year, version, isbn FROM books WHERE id > 0 ORDER BY id LIMIT 101;

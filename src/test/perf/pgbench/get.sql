-- GET /books/{id}: the service's get-book statement.
\set id random(1, 10000)
SELECT id, title, author, publication_year, version, isbn FROM books WHERE id = :id;

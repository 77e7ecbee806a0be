-- POST /books: the service's insert-book statement with generated keys (pgjdbc adds RETURNING *).
\set n random(1, 1000000)
INSERT INTO books (title, author, publication_year) VALUES ('Bench ' || :n, 'Writer', 2000) RETURNING *;

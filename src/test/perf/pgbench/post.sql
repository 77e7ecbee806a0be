-- POST /books: the service's insert-book statement; pgjdbc appends RETURNING with the columns the service reads.
\set n random(1, 1000000)
\set y random(1900, 2025)
INSERT INTO books (title, author, publication_year, isbn) VALUES ('Bench ' || :n, 'Writer', :y, NULL)
 RETURNING id, title, author, publication_year, version, isbn;

-- PUT /books/{id} of the year without If-Match: the service's update-book statement, one round trip; pgjdbc
-- appends RETURNING with the columns the service reads.
\set id random(3, 10000)
\set y random(1900, 2025)
UPDATE books SET title = COALESCE(NULL, title), author = COALESCE(NULL, author),
 publication_year = COALESCE(:y, publication_year), isbn = COALESCE(NULL, isbn), version = version + 1
 WHERE id = :id AND version = COALESCE(NULL, version)
 RETURNING id, title, author, publication_year, version, isbn;

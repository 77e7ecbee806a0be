-- PUT /books/{id} without If-Match: the service reads the book, then writes it if its version is unchanged.
\set id random(1, 10000)
SELECT id, title, author, publication_year, version FROM books WHERE id = :id \gset b_
UPDATE books SET title = :b_title, author = :b_author, publication_year = 1999, version = version + 1
 WHERE id = :id AND version = :b_version;

-- Indexes for the GET /books filters combined with keyset paging (WHERE ... AND id > ? ORDER BY id).
CREATE INDEX books_author_id ON books (author, id);
CREATE INDEX books_year_id ON books (publication_year, id);

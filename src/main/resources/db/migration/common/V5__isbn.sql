-- Optional ISBN of a book, always stored as ISBN-13 (13 digits). Unique when present: the index makes concurrent
-- creates with the same ISBN, on any number of service instances, end in one book and 409 for the others, and
-- serves GET /books?isbn=. Several books without an ISBN are allowed (NULLs are distinct).
ALTER TABLE books ADD COLUMN isbn CHAR(13);
CREATE UNIQUE INDEX books_isbn ON books (isbn);

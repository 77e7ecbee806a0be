-- Trigram indexes for q (case-insensitive substring of title or author: ILIKE '%...%'), PostgreSQL only.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX books_title_trgm ON books USING gin (title gin_trgm_ops);
CREATE INDEX books_author_trgm ON books USING gin (author gin_trgm_ops);

-- Idempotency-Key of POST /books: at most one book per key. The primary key makes concurrent requests with
-- the same key, on any number of service instances, wait for and then see the first one's result.
CREATE TABLE idempotency_keys (
    idempotency_key VARCHAR(255) PRIMARY KEY,
    -- SHA-256 (hex) of the validated request: the same key with another book is refused (422).
    request_hash    CHAR(64)     NOT NULL,
    -- Epoch milliseconds; keys older than books.idempotency-ttl are purged and may be reused.
    created_at      BIGINT       NOT NULL,
    book_id         BIGINT,
    -- The 201 body sent the first time, replayed verbatim to retries.
    response        VARCHAR(4000)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Idempotency-Keys belong to the caller that sent them (dev.books.auth.Caller): the same key from another token
-- holder is another key. The primary key changes, which H2 and PostgreSQL spell differently, so the table is
-- rebuilt; its rows so far were made before callers were told apart and are kept as the anonymous caller's.
ALTER TABLE idempotency_keys RENAME TO idempotency_keys_v4;
DROP INDEX idempotency_keys_created_at;
CREATE TABLE idempotency_keys (
    -- anonymous, token:<sha256 hex> or jwt:<sha256 hex>: never a token.
    caller          VARCHAR(72)  NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,
    created_at      BIGINT       NOT NULL,
    book_id         BIGINT,
    response        VARCHAR(4000),
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
INSERT INTO idempotency_keys (caller, idempotency_key, request_hash, created_at, book_id, response)
SELECT 'anonymous', idempotency_key, request_hash, created_at, book_id, response FROM idempotency_keys_v4;
DROP TABLE idempotency_keys_v4;

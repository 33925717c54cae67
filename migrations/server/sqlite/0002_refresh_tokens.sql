-- Rotating refresh tokens. Every token of one sign-in shares a family; presenting a spent
-- refresh token revokes the family (its access tokens are deleted, its refresh tokens spent).
ALTER TABLE access_tokens ADD COLUMN family TEXT;
CREATE INDEX access_tokens_family ON access_tokens(family);

CREATE TABLE refresh_tokens (
    token_hash BLOB PRIMARY KEY,
    family     TEXT NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    device_id  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    spent      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);

-- Rotating refresh tokens. Every token of one sign-in shares a family; presenting a spent
-- refresh token revokes the family (its access tokens are deleted, its refresh tokens spent).
ALTER TABLE access_tokens ADD COLUMN family UUID;
CREATE INDEX access_tokens_family ON access_tokens(family);

CREATE TABLE refresh_tokens (
    token_hash BYTEA PRIMARY KEY,
    family     UUID NOT NULL,
    staff_id   BIGINT NOT NULL REFERENCES staff(id),
    device_id  UUID NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    spent      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);

-- Consecutive failed sign-ins per account, and until when it is locked after too many.
CREATE TABLE sign_in_locks (
    staff_id     BIGINT PRIMARY KEY REFERENCES staff(id),
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ
);

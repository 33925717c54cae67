-- A sign-in can be ended on purpose (the desk signed out; the password was reset; the account
-- was disabled): its refresh tokens are marked revoked, so presenting one later is answered
-- "this sign-in has ended" rather than taken for the theft signal of a reused token.
ALTER TABLE refresh_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX refresh_tokens_staff ON refresh_tokens(staff_id);
CREATE INDEX access_tokens_staff ON access_tokens(staff_id);

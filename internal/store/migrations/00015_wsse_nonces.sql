-- +goose Up
-- WS-Security nonces seen, per integrator credential, shared by every process on the database: a
-- nonce is remembered for as long as its token's Created is acceptable (until expires_at), so a
-- captured request replayed later, or to another process, is refused. first_at lets an endpoint
-- allow an integrator to reuse one token for calls in quick succession (a reuse window).
CREATE TABLE wsse_nonces (
    integrator_id TEXT NOT NULL REFERENCES integrators (id) ON DELETE CASCADE,
    nonce         TEXT NOT NULL,
    first_at      TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (integrator_id, nonce)
);
CREATE INDEX wsse_nonces_expires ON wsse_nonces (expires_at);

-- Whether a credential may sign in with its password in clear (PasswordText), over https only.
ALTER TABLE integrators ADD COLUMN allow_plain_text INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE integrators DROP COLUMN allow_plain_text;
DROP TABLE wsse_nonces;

-- +goose Up
-- An email's secret (a verification or reset link) no longer rests in the outbox in clear: the body
-- keeps "…" in its place and the secret is sealed with the server's secret key until the email is
-- delivered (then it is erased). Bodies written before keep links in clear: their links are removed.
ALTER TABLE email_outbox ADD COLUMN secret_sealed TEXT NOT NULL DEFAULT '';
UPDATE email_outbox SET body = '(written before links were sealed: removed)' WHERE body LIKE '%token=%';

-- +goose Down
ALTER TABLE email_outbox DROP COLUMN secret_sealed;

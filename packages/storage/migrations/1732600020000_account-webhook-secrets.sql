-- Up Migration
-- Each account signs its webhooks with its own secret. Unlike API keys these
-- cannot be stored hashed: the worker needs the secret itself to compute the
-- HMAC. The newest secret (superseded_at IS NULL) is the current one; a
-- rotation marks the previous one superseded and keeps it signing beside the
-- new one until expires_at, so receivers can switch without losing a delivery.
CREATE TABLE account_webhook_secrets (
  id            uuid        PRIMARY KEY,
  account_name  text        NOT NULL,
  secret        text        NOT NULL,
  -- the first characters of the secret, shown by listings to tell secrets apart
  secret_prefix text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  superseded_at timestamptz,
  -- set with superseded_at: the end of the overlap window
  expires_at    timestamptz,
  CHECK ((superseded_at IS NULL) = (expires_at IS NULL))
);
-- One current secret per account, even when two first keys or two rotations race.
CREATE UNIQUE INDEX account_webhook_secrets_current ON account_webhook_secrets (account_name) WHERE superseded_at IS NULL;
CREATE INDEX account_webhook_secrets_account ON account_webhook_secrets (account_name, created_at);

-- Down Migration
DROP TABLE account_webhook_secrets;

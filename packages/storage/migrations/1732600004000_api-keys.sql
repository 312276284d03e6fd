-- Up Migration
-- API keys belong to an account. Only a SHA-256 of the key is stored: keys are
-- 256-bit random strings, so a fast hash is enough and a leaked table reveals none.
CREATE TABLE api_keys (
  id           uuid        PRIMARY KEY,
  account_name text        NOT NULL,
  key_hash     text        NOT NULL UNIQUE,
  -- the first characters of the key, shown by `npm run keys -- list` to tell keys apart
  key_prefix   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_name);

-- Down Migration
DROP TABLE api_keys;

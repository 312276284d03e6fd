-- Up Migration
-- A content_name may be 2,048 characters of any script: up to 8 KB of UTF-8,
-- past the btree limit of ~2.7 KB per index entry (incompressible Hangul hits
-- it at ~900 characters). The identity is therefore unique on a SHA-256 of
-- the name, 32 bytes whatever its length; the name itself stays in its column.
ALTER TABLE documents ADD COLUMN content_name_digest bytea
  GENERATED ALWAYS AS (sha256(convert_to(content_name, 'UTF8'))) STORED;
ALTER TABLE documents DROP CONSTRAINT documents_identity;
ALTER TABLE documents ADD CONSTRAINT documents_identity UNIQUE (account_name, chat_bot_id, content_name_digest);

-- Down Migration
ALTER TABLE documents DROP CONSTRAINT documents_identity;
ALTER TABLE documents DROP COLUMN content_name_digest;
ALTER TABLE documents ADD CONSTRAINT documents_identity UNIQUE (account_name, chat_bot_id, content_name);

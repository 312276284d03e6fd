-- Up Migration
-- A content_name may be 2,048 characters of any script: up to 8 KB of UTF-8,
-- past the btree limit of ~2.7 KB per index entry (incompressible Hangul hits
-- it at ~900 characters). The identity is therefore unique on a SHA-256 of
-- the name's UTF-8 bytes, 32 bytes whatever its length; the name itself stays
-- in its column. A trigger keeps the digest (convert_to is not immutable, so
-- it cannot be a generated column), whoever writes the row.
ALTER TABLE documents ADD COLUMN content_name_digest bytea;
UPDATE documents SET content_name_digest = sha256(convert_to(content_name, 'UTF8'));
ALTER TABLE documents ALTER COLUMN content_name_digest SET NOT NULL;
ALTER TABLE documents DROP CONSTRAINT documents_identity;
ALTER TABLE documents ADD CONSTRAINT documents_identity UNIQUE (account_name, chat_bot_id, content_name_digest);

CREATE FUNCTION documents_content_name_digest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.content_name_digest := sha256(convert_to(NEW.content_name, 'UTF8'));
  RETURN NEW;
END
$$;
CREATE TRIGGER documents_content_name_digest BEFORE INSERT OR UPDATE OF content_name ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_content_name_digest();

-- Down Migration
DROP TRIGGER documents_content_name_digest ON documents;
DROP FUNCTION documents_content_name_digest();
ALTER TABLE documents DROP CONSTRAINT documents_identity;
ALTER TABLE documents DROP COLUMN content_name_digest;
ALTER TABLE documents ADD CONSTRAINT documents_identity UNIQUE (account_name, chat_bot_id, content_name);

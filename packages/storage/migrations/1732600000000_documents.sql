-- Up Migration
-- Stored documents and their chunks. A chunk's id is also its Milvus primary
-- key, so ids are assigned here once and a replayed Milvus write overwrites.
CREATE TABLE documents (
  id            bigserial PRIMARY KEY,
  account_name  text        NOT NULL,
  chat_bot_id   text        NOT NULL,
  content_name  text        NOT NULL,
  metadata      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  chunks_count  integer     NOT NULL,
  content_hash  text        NOT NULL,
  -- The job that wrote the row (NULL for the synchronous API): a resumed job
  -- continues with its own rows instead of reporting them as duplicates.
  job_id        uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT documents_identity UNIQUE (account_name, chat_bot_id, content_name)
);
CREATE INDEX documents_job_id ON documents (job_id) WHERE job_id IS NOT NULL;

CREATE TABLE document_chunks (
  id           bigserial PRIMARY KEY,
  document_id  bigint  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  chunk_index  integer NOT NULL,
  text         text    NOT NULL,
  CONSTRAINT document_chunks_position UNIQUE (document_id, chunk_index)
);

-- Down Migration
DROP TABLE document_chunks;
DROP TABLE documents;

-- Up Migration
-- Blue/green re-embedding (npm run reembed): one row per re-embed of the
-- vectors behind a Milvus alias into a new physical collection. It is the
-- re-embed's checkpoint (the last chunk id the bulk pass wrote), and once
-- switched it is the durable record of where the alias pointed before, which
-- `--rollback` switches it back to.
--   building     the target is being filled; a re-run resumes after last_chunk_id
--   switched     the alias points at target_collection
--   rolled_back  the alias was switched back to source_collection
--   abandoned    given up before the switch (`--abandon`); its target was dropped
CREATE TABLE embedding_reembeds (
  id                bigserial   PRIMARY KEY,
  alias             text        NOT NULL,
  source_collection text        NOT NULL,
  target_collection text        NOT NULL,
  -- {embedding_model, dimension} as recorded in each collection's description.
  source_signature  jsonb,
  target_signature  jsonb       NOT NULL,
  -- The EMBEDDING_* settings of each side (provider, model, dimension, base_url; never the key),
  -- so a rollback can catch the old collection up with its own model.
  source_embedding  jsonb,
  target_embedding  jsonb       NOT NULL,
  state             text        NOT NULL DEFAULT 'building' CHECK (state IN ('building', 'switched', 'rolled_back', 'abandoned')),
  last_chunk_id     bigint      NOT NULL DEFAULT 0,
  chunks_written    bigint      NOT NULL DEFAULT 0,
  started_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  switched_at       timestamptz,
  rolled_back_at    timestamptz
);
-- One re-embed in progress per alias.
CREATE UNIQUE INDEX embedding_reembeds_building ON embedding_reembeds (alias) WHERE state = 'building';
CREATE INDEX embedding_reembeds_alias ON embedding_reembeds (alias, id DESC);

-- Down Migration
DROP TABLE embedding_reembeds;

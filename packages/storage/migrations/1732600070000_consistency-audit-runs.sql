-- Up Migration
-- One row per finished consistency audit (npm run audit, GET /admin/consistency,
-- the workers' scheduled audit). The newest audit of every account is what
-- the workers' nonstop_consistency_* series report, so the drift an audit
-- found stays visible to Prometheus until the next audit, across restarts.
CREATE TABLE consistency_audit_runs (
  id               bigserial   PRIMARY KEY,
  collection       text        NOT NULL,
  -- The account audited; NULL for every account (the scheduled audit).
  account_name     text,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL DEFAULT now(),
  pg_chunks        bigint      NOT NULL,
  missing          bigint      NOT NULL,
  orphans          bigint      NOT NULL,
  duplicates       bigint      NOT NULL,
  rolled_back_rows bigint      NOT NULL,
  -- The drift left: after a repair, what it could not fix.
  drift            bigint      NOT NULL,
  repaired         boolean     NOT NULL
);
CREATE INDEX consistency_audit_runs_whole ON consistency_audit_runs (finished_at DESC) WHERE account_name IS NULL;

-- Down Migration
DROP TABLE consistency_audit_runs;

import type { Pool, PoolClient } from 'pg';
import type { DocumentInput, OnExisting } from '@nonstop/core';
import { contentHash } from './content-hash';

/** A version of a document the insert found: the active one, or this job's own (a resumed run). */
export interface VersionRow {
  id: string;
  chat_bot_id: string;
  content_name: string;
  job_id: string | null;
  state: 'staged' | 'active';
  replaces: string | null;
  chunks_count: number;
  content_hash: string;
  metadata_hash: string;
  /** The hash the incoming metadata would have, computed by PostgreSQL the same way. */
  incoming_metadata_hash: string;
}

/** What an insert does with one document, decided from the versions found. */
export type DocumentPlan =
  | { kind: 'stage'; replaces: number | null }
  | { kind: 'resume'; own: VersionRow }
  | { kind: 'unchanged' | 'metadata_updated'; active: VersionRow }
  | { kind: 'already_exists' };

/**
 * For each document (in order), the versions that decide its plan: this
 * job's own staged or active version, and the active one. Matched on the
 * identity index (the name's digest) and the name itself.
 */
export async function findVersions(
  client: Pool | PoolClient,
  accountName: string,
  documents: DocumentInput[],
  jobId: string,
): Promise<Array<{ own?: VersionRow; active?: VersionRow }>> {
  const result = await client.query<VersionRow & { position: number }>(
    `SELECT k.position, d.id, d.chat_bot_id, d.content_name, d.job_id, d.state, d.replaces, d.chunks_count,
            d.content_hash, d.metadata_hash, document_metadata_hash(k.metadata) AS incoming_metadata_hash
       FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS k (chat_bot_id, content_name, metadata, position)
       JOIN documents d
         ON d.account_name = $1 AND d.chat_bot_id = k.chat_bot_id
        AND d.content_name_digest = sha256(convert_to(k.content_name, 'UTF8')) AND d.content_name = k.content_name
      WHERE d.state = 'active' OR (d.state = 'staged' AND d.job_id = $5::uuid)`,
    [
      accountName,
      documents.map((d) => d.chat_bot_id),
      documents.map((d) => d.content_name),
      documents.map((d) => JSON.stringify(d.metadata ?? {})),
      jobId,
    ],
  );
  const found = documents.map((): { own?: VersionRow; active?: VersionRow } => ({}));
  for (const row of result.rows) {
    const entry = found[Number(row.position) - 1]!;
    if (row.job_id === jobId) entry.own = row;
    else entry.active = row;
  }
  return found;
}

export function planDocument(
  document: DocumentInput,
  versions: { own?: VersionRow; active?: VersionRow },
  onExisting: OnExisting,
): DocumentPlan {
  if (versions.own) return { kind: 'resume', own: versions.own };
  const { active } = versions;
  if (!active) return { kind: 'stage', replaces: null };
  if (onExisting === 'fail') return { kind: 'already_exists' };
  if (onExisting === 'skip_unchanged' && active.content_hash === contentHash(document.chunks)) {
    return { kind: active.metadata_hash === active.incoming_metadata_hash ? 'unchanged' : 'metadata_updated', active };
  }
  return { kind: 'stage', replaces: Number(active.id) };
}

/** What an insert would do with each document, as a dry run answers it. */
export type PlannedAction = 'insert' | 'replace' | 'skip' | 'update_metadata' | 'already_exists';

export function plannedAction(plan: DocumentPlan): PlannedAction {
  switch (plan.kind) {
    case 'stage':
      return plan.replaces === null ? 'insert' : 'replace';
    case 'unchanged':
      return 'skip';
    case 'metadata_updated':
      return 'update_metadata';
    case 'already_exists':
      return 'already_exists';
    case 'resume':
      return 'insert';
  }
}

/** A change of metadata alone: the active version's row, in place (no new version, no embedding). */
export async function updateMetadata(
  client: PoolClient,
  updates: Array<{ docId: string; metadata: Record<string, unknown> | undefined }>,
): Promise<void> {
  if (updates.length === 0) return;
  await client.query(
    `UPDATE documents d SET metadata = u.metadata
       FROM unnest($1::bigint[], $2::jsonb[]) AS u (id, metadata)
      WHERE d.id = u.id AND d.state = 'active'`,
    [updates.map((u) => u.docId), updates.map((u) => JSON.stringify(u.metadata ?? {}))],
  );
}

import type { PoolClient } from 'pg';

/** What a delete job deletes: named documents, a whole bot, or (neither given) the whole account. */
export interface DeleteScope {
  chat_bot_id?: string;
  content_names?: string[];
}

/**
 * Lists a delete job's documents in its ledger, one row per document:
 * each named one (a name with no active document gets a row too, reported
 * `not_found` when the job runs), or every active document of the bot or
 * account. Returns the counts of what exists now, the receipt's "before".
 */
export async function stageDeleteTargets(
  client: PoolClient,
  jobId: string,
  accountName: string,
  scope: DeleteScope,
): Promise<{ listed: number; documents: number; chunks: number }> {
  const listed = scope.content_names
    ? await client.query<{ doc_id: string | null; chunks_count: number }>(
        `INSERT INTO job_documents (job_id, position, chat_bot_id, content_name, chunks, doc_id, chunks_count)
       SELECT $1, (row_number() OVER (ORDER BY n.ord, d.id)) - 1, COALESCE(d.chat_bot_id, $3, ''), n.name, '[]'::jsonb,
              d.id, COALESCE(d.chunks_count, 0)
         FROM unnest($4::text[]) WITH ORDINALITY AS n (name, ord)
         LEFT JOIN documents d
           ON d.account_name = $2 AND ($3::text IS NULL OR d.chat_bot_id = $3) AND d.state = 'active'
          AND d.content_name_digest = sha256(convert_to(n.name, 'UTF8')) AND d.content_name = n.name
       RETURNING doc_id, chunks_count`,
        [jobId, accountName, scope.chat_bot_id ?? null, scope.content_names],
      )
    : await client.query<{ doc_id: string | null; chunks_count: number }>(
        `INSERT INTO job_documents (job_id, position, chat_bot_id, content_name, chunks, doc_id, chunks_count)
       SELECT $1, (row_number() OVER (ORDER BY d.id)) - 1, d.chat_bot_id, d.content_name, '[]'::jsonb, d.id, d.chunks_count
         FROM documents d
        WHERE d.account_name = $2 AND ($3::text IS NULL OR d.chat_bot_id = $3) AND d.state = 'active'
       RETURNING doc_id, chunks_count`,
        [jobId, accountName, scope.chat_bot_id ?? null],
      );
  const found = listed.rows.filter((row) => row.doc_id !== null);
  return { listed: listed.rows.length, documents: found.length, chunks: found.reduce((sum, row) => sum + row.chunks_count, 0) };
}

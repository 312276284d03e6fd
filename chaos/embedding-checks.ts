import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import type { CheckRow } from './check-row';
import type { EventLog } from './event-log';
import type { StoredChunk } from './store-checks';

export interface EmbeddingFigures {
  calls: number;
  chunkEmbeddings: number;
  chunksEmbeddedMoreThanOnce: number;
  documentsEmbeddedMoreThanOnce: number;
}

/**
 * Documents that had succeeded were never embedded again. Two sources:
 * the workers' and the API's audit file (EMBEDDING_AUDIT_FILE: chunk ids of every
 * embedding call they got an answer to) and the endpoint's arrival stamps.
 * Asserted: (1) every stored chunk was embedded; (2) every embedding call
 * carrying a chunk of a document arrived before the ledger recorded that
 * document succeeded (job_documents.finished_at, same clock); (3) a
 * document embedded more than once had, between its first embedding and
 * its success, a kill of the process running its job or a store outage
 * (work in flight when that happened is the only work redone).
 */
export async function checkEmbeddings(
  pool: Pool,
  jobIds: string[],
  syncJobIds: Set<string>,
  chunks: StoredChunk[],
  auditFile: string,
  stamps: Map<string, number[]>,
  calls: number,
  events: EventLog,
): Promise<{ rows: CheckRow[]; figures: EmbeddingFigures }> {
  const audit = new Map<number, number>();
  const text = readFileSync(auditFile, 'utf8');
  for (const line of text.split('\n')) if (line) audit.set(Number(line), (audit.get(Number(line)) ?? 0) + 1);
  const succeeded = (
    await pool.query<{ content_name: string; job_id: string; finished_at: Date }>(
      `SELECT content_name, job_id, finished_at FROM job_documents WHERE job_id = ANY($1::uuid[]) AND status = 'succeeded'`,
      [jobIds],
    )
  ).rows;
  const success = new Map(succeeded.map((row) => [row.content_name, row.finished_at.getTime()]));
  const jobOf = new Map(succeeded.map((row) => [row.content_name, row.job_id]));

  const neverEmbedded = chunks.filter((chunk) => (audit.get(chunk.chunkId) ?? 0) === 0).length;
  const auditAboveStamps = chunks.filter(
    (chunk) => (audit.get(chunk.chunkId) ?? 0) > (stamps.get(`${chunk.contentName}#${chunk.chunkIndex}`)?.length ?? 0),
  ).length;
  const byDocument = new Map<string, number[]>();
  const repeated = new Set<string>();
  for (const chunk of chunks) {
    byDocument.set(chunk.contentName, [
      ...(byDocument.get(chunk.contentName) ?? []),
      ...(stamps.get(`${chunk.contentName}#${chunk.chunkIndex}`) ?? []),
    ]);
    if ((stamps.get(`${chunk.contentName}#${chunk.chunkIndex}`)?.length ?? 0) > 1) repeated.add(chunk.contentName);
  }
  let afterSuccess = 0;
  let unexplained = 0;
  let reembeddedDocuments = 0;
  for (const [name, times] of byDocument) {
    const succeededAt = success.get(name);
    if (succeededAt === undefined) continue; // reported by the job checks
    if (times.some((time) => time > succeededAt)) afterSuccess += 1;
    if (repeated.has(name)) {
      reembeddedDocuments += 1;
      const jobId = jobOf.get(name)!;
      if (!events.interruptedBetween(jobId, Math.min(...times), succeededAt, syncJobIds.has(jobId))) unexplained += 1;
    }
  }
  const chunkEmbeddings = [...audit.values()].reduce((sum, n) => sum + n, 0);
  const figures = {
    calls,
    chunkEmbeddings,
    documentsEmbeddedMoreThanOnce: reembeddedDocuments,
    chunksEmbeddedMoreThanOnce: chunks.filter((chunk) => (audit.get(chunk.chunkId) ?? 0) > 1).length,
  };
  return {
    figures,
    rows: [
      {
        check: 'embeddings: every stored chunk was embedded (audit file)',
        expected: '0 never embedded',
        actual: `${neverEmbedded} never embedded`,
        ok: neverEmbedded === 0,
      },
      {
        check: 'embeddings: audit file agrees with the endpoint (answered <= arrived)',
        expected: '0 chunks above',
        actual: `${auditAboveStamps} chunks above`,
        ok: auditAboveStamps === 0,
      },
      {
        check: 'embeddings: no document embedded after it had succeeded',
        expected: '0 documents',
        actual: `${afterSuccess} documents`,
        ok: afterSuccess === 0,
      },
      {
        check: 'embeddings: every re-embedded document had its worker (or, sync, the API) killed or a store out while in flight',
        expected: '0 unexplained',
        actual: `${unexplained} unexplained of ${reembeddedDocuments} re-embedded`,
        ok: unexplained === 0,
      },
    ],
  };
}

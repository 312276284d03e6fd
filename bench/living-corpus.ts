/**
 * The living corpus, measured with the real local model through the API and
 * a worker process: `npm run bench:corpus [-- --documents 1000]`.
 * 1. the first ingest of N documents; 2. the same N again with
 * skip_unchanged (no embedding call: counted from the worker's embedding
 * audit file); 3. a quarter of them changed, with skip_unchanged (replaced);
 * 4. a metadata-only change of a quarter. Prints a table and the ratio of
 * (1) to (2), measured in this run.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@nonstop/storage';
import type { DocumentInput } from '@nonstop/core';
import { account, DATABASE_URL, localEnv, makeDocs, round, RUN_ID } from './common';
import { startApi, startWorker, stopApp, waitForFinal } from './service';

const i = process.argv.indexOf('--documents');
const DOCUMENTS = i >= 0 ? Number(process.argv[i + 1]) : 1000;

async function main(): Promise<void> {
  await migrate(DATABASE_URL);
  const auditFile = path.join(os.tmpdir(), `bench-corpus-${RUN_ID}.log`);
  const env = localEnv({ EMBEDDING_AUDIT_FILE: auditFile });
  const service = await startApi(env);
  const worker = await startWorker(env);
  const embedded = (): number => {
    try {
      return readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  const run = async (label: string, accountName: string, documents: DocumentInput[], onExisting: string) => {
    const before = embedded();
    const started = Date.now();
    const response = await fetch(`${service.base}/job/batch-insert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_name: accountName, documents, on_existing: onExisting }),
    });
    const { job_id: jobId } = (await response.json()) as { job_id: string };
    const job = await waitForFinal(service.base, jobId, 60 * 60_000, 50);
    const seconds = (Date.now() - started) / 1000;
    return { label, seconds, embedding_calls: embedded() - before, status: job.status, success: job.progress.success_count };
  };
  try {
    const accountName = account('corpus');
    // 1,000 documents of 4 chunks: makeDocs takes chunks.
    const documents = makeDocs(DOCUMENTS * 4, `corpus-${RUN_ID}`);
    const quarter = Math.floor(DOCUMENTS / 4);
    const changed = documents.map((d, n) =>
      n < quarter ? { ...d, chunks: d.chunks.map((c) => ({ ...c, text: `개정판 ${c.text}` })) } : d,
    );
    const retitled = changed.map((d, n) => (n >= quarter && n < 2 * quarter ? { ...d, metadata: { title: `새 제목 ${n}` } } : d));
    const rows = [
      await run(`first ingest (${DOCUMENTS} documents)`, accountName, documents, 'fail'),
      await run('the same again, skip_unchanged', accountName, documents, 'skip_unchanged'),
      await run(`${quarter} changed, skip_unchanged (replaced)`, accountName, changed, 'skip_unchanged'),
      await run(`${quarter} metadata-only, skip_unchanged`, accountName, retitled, 'skip_unchanged'),
    ];
    console.log('\n| run | seconds | embedding calls (chunks) | documents succeeded |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.label} | ${round(r.seconds, 2)} | ${r.embedding_calls} | ${r.success} |`);
    console.log(`\nfirst ingest / skip_unchanged re-ingest: ${round(rows[0]!.seconds / rows[1]!.seconds, 1)}x faster (target >= 5x)`);
  } finally {
    await stopApp(worker, 'SIGTERM');
    await service.close();
    rmSync(auditFile, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * `npm run audit -- [--account NAME] [--repair] [--json]`: the consistency
 * audit of PostgreSQL's chunks against Milvus's vectors (packages/pipeline/src/audit).
 * Prints a table (one row per account, and totals) and a JSON summary line
 * (`--json`: the JSON line only); progress goes to stderr.
 * Exit code: 0 no drift (after --repair: nothing left), 1 drift, 2 the audit could not run.
 */
import { parseArgs } from 'node:util';
import { createLogger, errorMessage, loadConfig, type AppConfig, type Embedder } from '@nonstop/core';
import {
  auditConsistency,
  createRuntime,
  formatConsistencyTable,
  type AuditProgress,
  type ConsistencyAuditStores,
} from '@nonstop/pipeline';
import { createPool, MilvusVectorStore } from '@nonstop/storage';

const USAGE = 'usage: npm run audit -- [--account NAME] [--repair] [--json]';
const PROGRESS_EVERY_MS = 2_000;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { account: { type: 'string' }, repair: { type: 'boolean' }, json: { type: 'boolean' } } }).values;
  } catch (error) {
    console.error(`${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const stores = args.repair ? await repairingStores(config) : await readingStores(config);
  try {
    const summary = await auditConsistency(stores, {
      ...(args.account !== undefined ? { accountName: args.account } : {}),
      ...(stores.embedder ? { repairWith: stores.embedder } : {}),
      onProgress: progressOnStderr(),
    });
    if (!args.json) console.log(`${formatConsistencyTable(summary)}\n`);
    console.log(JSON.stringify(summary));
    return summary.clean ? 0 : 1;
  } finally {
    await stores.close();
  }
}

type AuditStores = ConsistencyAuditStores & { embedder?: Embedder; close(): Promise<void> };

/** Reading needs no embedder: the audit runs even while the embedding service is down. */
async function readingStores(config: AppConfig): Promise<AuditStores> {
  const pool = createPool(config.databaseUrl, { max: 4, applicationName: 'nonstop-audit' });
  const vectors = new MilvusVectorStore({ address: config.milvusAddress, collection: config.milvusCollection });
  return {
    pool,
    vectors,
    close: async () => {
      await Promise.allSettled([pool.end(), vectors.close()]);
    },
  };
}

/** The runtime checks that the collection was made for the configured model before any vector is rewritten. */
async function repairingStores(config: AppConfig): Promise<AuditStores> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, service: 'audit' });
  return createRuntime(config, logger, { applicationName: 'nonstop-audit' });
}

function progressOnStderr(): (progress: AuditProgress) => void {
  const started = Date.now();
  let shown = started;
  return (progress) => {
    if (Date.now() - shown < PROGRESS_EVERY_MS) return;
    shown = Date.now();
    const seconds = (shown - started) / 1000;
    console.error(
      `audit: ${progress.pg_chunks_read} chunks compared in ${progress.windows} windows, up to chunk id ${progress.last_chunk_id ?? '-'} ` +
        `(${Math.round(progress.pg_chunks_read / seconds)} chunks/s)`,
    );
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit failed: ${errorMessage(error)}`);
    process.exit(2);
  },
);

/**
 * `npm run reembed -- --provider <local|local-e5|openai> [--model M] [--dimension N] [--base-url URL] [--batch-size N]`:
 * blue/green re-embedding of every chunk in PostgreSQL into a new Milvus
 * collection for that model, then the switch of the alias MILVUS_COLLECTION
 * to it (packages/pipeline/src/reembed). Run it with the service's own
 * environment (the old model's EMBEDDING_* settings): the flags name the new
 * model, the environment the old one. Killed, it resumes where it stopped.
 *   --status     where the alias points, the re-embed in progress and the last ones
 *   --rollback   switches the alias back to the collection the last re-embed replaced
 *                (caught up first with that collection's model)
 *   --abandon    gives up the re-embed in progress and drops its collection
 * Progress goes to stderr; a JSON report to stdout.
 * Exit code: 0 done, 1 refused (a check failed; the alias was not switched), 2 could not run.
 */
import { parseArgs } from 'node:util';
import { createLogger, errorMessage, isErrorNamed, loadConfig, type AppConfig, type EmbeddingConfig } from '@nonstop/core';
import { createEmbedder } from '@nonstop/embeddings';
import { abandonReembed, reembed, reembedStatus, rollbackReembed, type ReembedDeps, type ReembedProgress } from '@nonstop/pipeline';
import { createPool, migrate, MilvusVectorStore, PgReembedStore, type EmbeddingSettings } from '@nonstop/storage';

const USAGE =
  'usage: npm run reembed -- --provider <local|local-e5|openai> [--model M] [--dimension N] [--base-url URL] [--batch-size N]\n' +
  '       npm run reembed -- --status | --rollback | --abandon';
const PROGRESS_EVERY_MS = 1_000;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        provider: { type: 'string' },
        model: { type: 'string' },
        dimension: { type: 'string' },
        'base-url': { type: 'string' },
        'batch-size': { type: 'string' },
        rollback: { type: 'boolean' },
        status: { type: 'boolean' },
        abandon: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    console.error(`${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  const modes = [args.provider !== undefined, args.rollback === true, args.status === true, args.abandon === true].filter(Boolean).length;
  if (modes !== 1) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const deps: ReembedDeps = {
    pool: createPool(config.databaseUrl, { max: 4, applicationName: 'nonstop-reembed' }),
    vectors: new MilvusVectorStore({ address: config.milvusAddress, collection: config.milvusCollection }),
    milvusAddress: config.milvusAddress,
  };
  const log = (line: string): void => console.error(`reembed: ${line}`);
  try {
    if (args.status) {
      console.log(JSON.stringify(await reembedStatus(deps), null, 2));
      return 0;
    }
    if (args.abandon) {
      const run = await abandonReembed(deps);
      log(run ? `abandoned re-embed ${run.id}; dropped ${run.target_collection}` : 'no re-embed in progress');
      return 0;
    }
    if (args.rollback) {
      const run = await new PgReembedStore(deps.pool).latest(config.milvusCollection);
      const old = run?.source_embedding ? await createEmbedder(embeddingFor(run.source_embedding), quietLogger(config)) : undefined;
      try {
        console.log(JSON.stringify(await rollbackReembed(deps, { ...(old ? { oldEmbedder: old } : {}), log })));
      } finally {
        await old?.close?.();
      }
      log(`now restart the API and workers with the EMBEDDING_* settings of ${run?.source_signature?.embedding_model ?? 'the old model'}`);
      return 0;
    }
    const target: EmbeddingSettings = {
      provider: args.provider!,
      model: args.model ?? '',
      dimension: args.dimension === undefined ? null : Number(args.dimension),
      base_url: args['base-url'] ?? null,
    };
    const embedding = embeddingFor(target);
    const embedder = await createEmbedder(embedding, quietLogger(config));
    try {
      const report = await reembed(deps, {
        embedder,
        embedding: settingsOf(embedding, embedder.model),
        sourceEmbedding: settingsOf(config.embedding, config.embedding.model),
        ...(args['batch-size'] !== undefined ? { batchSize: Number(args['batch-size']) } : {}),
        onProgress: progressOnStderr(),
        log,
      });
      console.log(JSON.stringify(report));
      log(
        `now restart the API and workers with EMBEDDING_PROVIDER=${target.provider}${args.model ? ` EMBEDDING_MODEL=${args.model}` : ''}` +
          `${args.dimension ? ` EMBEDDING_DIMENSION=${args.dimension}` : ''}: until then their writes are refused`,
      );
    } finally {
      await embedder.close?.();
    }
    return 0;
  } catch (error) {
    if (isErrorNamed(error, 'ReembedError') || isErrorNamed(error, 'ConfigError')) {
      console.error(`reembed refused: ${errorMessage(error)}`);
      return 1;
    }
    throw error;
  } finally {
    await Promise.allSettled([deps.pool.end(), deps.vectors.close()]);
  }
}

/**
 * The embedding config of one side: the environment's settings (API key,
 * batch size, threads) with provider, model, dimension and base URL replaced,
 * checked by the same rules as the service's.
 */
function embeddingFor(settings: EmbeddingSettings): EmbeddingConfig {
  const env: Record<string, string | undefined> = {
    ...process.env,
    EMBEDDING_PROVIDER: settings.provider,
    EMBEDDING_MODEL: settings.model || undefined,
    EMBEDDING_DIMENSION: settings.dimension === null ? undefined : String(settings.dimension),
    EMBEDDING_BASE_URL: settings.base_url ?? undefined,
    EMBEDDING_INPUT_ROLES: undefined,
    // Sized for the provider, not the old model's process.
    EMBEDDING_BATCH_SIZE: undefined,
    EMBEDDING_CONCURRENCY: undefined,
  };
  if (settings.provider !== 'local') delete env.EMBEDDING_MODEL_PATH;
  return loadConfig(env).embedding;
}

function settingsOf(embedding: EmbeddingConfig, model: string): EmbeddingSettings {
  return {
    provider: embedding.provider,
    model,
    dimension: embedding.dimension ?? null,
    base_url: embedding.provider === 'local' ? null : (embedding.baseUrl ?? null),
  };
}

function quietLogger(config: AppConfig): ReturnType<typeof createLogger> {
  return createLogger({ level: config.logLevel === 'debug' ? 'debug' : 'warn', format: config.logFormat, service: 'reembed' });
}

function progressOnStderr(): (progress: ReembedProgress) => void {
  let shown = 0;
  return (progress) => {
    const last = progress.phase !== 'bulk' || progress.done >= progress.total;
    if (!last && Date.now() - shown < PROGRESS_EVERY_MS) return;
    shown = Date.now();
    const eta = progress.eta_seconds === undefined ? '-' : `${Math.ceil(progress.eta_seconds)} s`;
    console.error(
      progress.phase === 'bulk'
        ? `reembed: ${progress.done}/${progress.total} chunks (${((100 * progress.done) / Math.max(progress.total, 1)).toFixed(1)}%), ` +
            `${progress.chunks_per_second.toFixed(1)} chunks/s, ETA ${eta}`
        : `reembed: ${progress.phase} over ${progress.total} chunks`,
    );
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`reembed failed: ${errorMessage(error)}`);
    process.exit(2);
  },
);

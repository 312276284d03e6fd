/** Command-line options of `npm run chaos -- [--flag value]`; defaults give a run that meets issue 6. */
export interface ChaosOptions {
  documents: number;
  chunksPerDocument: number;
  workers: number;
  workerKills: number;
  apiKills: number;
  /** Pause between two kills (± 30 % jitter). */
  killEveryMs: number;
  /** Delay of every call to the stand-in embedding endpoint: paces the run so kills land mid-job. */
  embedDelayMs: number;
  /** Chunks per pipeline micro-batch and per embedding call of the workers. */
  batchChunks: number;
  pgCutMs: number;
  /** Restart our own Milvus mid-run (on by default; --no-milvus-restart skips it). */
  milvusRestart: boolean;
  deadlineMinutes: number;
  redisPort: number;
  /** First of the ports our own Milvus listens on (proxy); the others follow it. */
  milvusPort: number;
  /** Writes docs/chaos/latest-run.{md,json}. */
  writeReport: boolean;
}

const DEFAULTS: ChaosOptions = {
  documents: 5_000,
  chunksPerDocument: 4,
  workers: 3,
  workerKills: 20,
  apiKills: 3,
  killEveryMs: 8_000,
  embedDelayMs: 600,
  batchChunks: 64,
  pgCutMs: 10_000,
  milvusRestart: true,
  deadlineMinutes: 20,
  redisPort: 6391,
  milvusPort: 19630,
  writeReport: true,
};

const NUMBERS: Record<string, keyof ChaosOptions> = {
  '--documents': 'documents',
  '--chunks-per-document': 'chunksPerDocument',
  '--workers': 'workers',
  '--worker-kills': 'workerKills',
  '--api-kills': 'apiKills',
  '--kill-every-ms': 'killEveryMs',
  '--embed-delay-ms': 'embedDelayMs',
  '--batch-chunks': 'batchChunks',
  '--pg-cut-ms': 'pgCutMs',
  '--deadline-minutes': 'deadlineMinutes',
  '--redis-port': 'redisPort',
  '--milvus-port': 'milvusPort',
};

export function parseOptions(argv: string[]): ChaosOptions {
  const options: ChaosOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === '--no-milvus-restart') options.milvusRestart = false;
    else if (flag === '--no-report') options.writeReport = false;
    else if (NUMBERS[flag]) {
      const value = Number(argv[i + 1]);
      if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a non-negative number (got "${argv[i + 1] ?? ''}")`);
      (options as unknown as Record<string, number>)[NUMBERS[flag]] = value;
      i += 1;
    } else {
      throw new Error(`unknown option ${flag}; known: ${[...Object.keys(NUMBERS), '--no-milvus-restart', '--no-report'].join(' ')}`);
    }
  }
  if (options.workers < 2) throw new Error('--workers must be at least 2');
  return options;
}

/** What bench/local-e5-throughput.ts measures, as results.json keeps it (`local_e5`) and bench/readme.ts renders it. */

export interface E5AloneRun {
  batch_size: number;
  concurrency: number;
  chunks: number;
  seconds: number;
  chunks_per_s: number;
  /** Cores each process used meanwhile. */
  cores: Record<string, number>;
  /** CPU-seconds the e5 server spent per chunk: the same for the same texts, unless it computed work nobody waited for. */
  e5_cpu_s_per_chunk: number;
  load_avg_1m: number;
}

export interface E5EndToEndRun {
  chunks: number;
  documents: number;
  wall_seconds: number;
  chunks_per_s: number;
  /** started_at -> finished_at as the worker recorded them. */
  worker_seconds: number;
  worker_chunks_per_s: number;
  cores: Record<string, number>;
  e5_cpu_s_per_chunk: number;
  /** The worker's embedding requests that failed and were retried during the job (timeouts, mostly). */
  embedding_retries: number;
  load_avg_1m: number;
}

export interface E5Round {
  round: number;
  end_to_end: E5EndToEndRun;
  /** Model-alone runs just before and after this end-to-end run. */
  alone_before: E5AloneRun;
  alone_after: E5AloneRun;
  /** end to end ÷ mean(alone before, alone after). */
  ratio: number;
  /** Same, with the worker's own started→finished time. */
  worker_ratio: number;
}

export interface LocalE5Throughput {
  model: string;
  base_url: string;
  chunk_chars: number;
  /** What the worker used (EMBEDDING_BATCH_SIZE, EMBEDDING_CONCURRENCY, PIPELINE_BATCH_CHUNKS, PIPELINE_BATCHES_IN_FLIGHT). */
  pipeline: { batch_size: number; concurrency: number; batch_chunks: number; batches_in_flight: number; overrides: Record<string, string> };
  sweep: E5AloneRun[];
  best: { batch_size: number; concurrency: number };
  rounds: E5Round[];
  /** Median of the rounds' ratios: the figure the issue's target is about. */
  ratio_median: number;
  worker_ratio_median: number;
}

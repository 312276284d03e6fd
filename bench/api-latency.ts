import { account, makeDocs, percentile, round, row } from './common';
import { postJob } from './service';

export interface Throughput {
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
}

/** `concurrency` requests in flight for `seconds`, against one URL. */
export async function loadUrl(url: string, seconds = 5, concurrency = 8): Promise<Throughput> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        const response = await fetch(url).catch(() => undefined);
        if (!response || response.status !== 200) errors += 1;
        await response?.arrayBuffer();
        latencies.push(performance.now() - start);
      }
    }),
  );
  return {
    requests_per_s: round(latencies.length / seconds),
    p50_ms: round(percentile(latencies, 50), 1),
    p99_ms: round(percentile(latencies, 99), 1),
    requests: latencies.length,
    errors,
  };
}

export interface PostLatency {
  requests: number;
  documents_per_job: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Sequential POSTs of 1,000-document jobs (4 chunks each). */
export async function measurePostLatency(base: string, requests = 20): Promise<PostLatency> {
  const latencies: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const docs = makeDocs(4000, `post-${i}`);
    const start = performance.now();
    await postJob(base, account('post'), docs);
    latencies.push(performance.now() - start);
  }
  const result = {
    requests,
    documents_per_job: 1000,
    p50_ms: round(percentile(latencies, 50), 1),
    p99_ms: round(percentile(latencies, 99), 1),
    max_ms: round(Math.max(...latencies), 1),
  };
  row(`POST /job/batch-insert, 1,000 docs (${requests} sequential)`, `p50 ${result.p50_ms} ms`, `p99 ${result.p99_ms} ms`);
  return result;
}

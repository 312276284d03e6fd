/**
 * Retrieval metrics of bench/retrieval-quality.ts: recall@1, recall@5 and
 * MRR over the rank of the one relevant passage of each query.
 */

export interface EvalSet {
  passages: Array<{ id: string; lang: string; text: string }>;
  queries: Array<{ id: string; group: QueryGroup; text: string; relevant: string }>;
}

/**
 * ko: Korean query, Korean passage; en-ko: English query, Korean passage; en:
 * English both; all against the whole mixed corpus. en-ko-only: the en-ko
 * queries against the Korean passages alone (a Korean-only corpus), which
 * separates understanding across languages from a preference for passages in
 * the query's own language.
 */
export type EvalGroup = 'ko' | 'en-ko' | 'en' | 'en-ko-only';
export const EVAL_GROUPS: readonly EvalGroup[] = ['ko', 'en-ko', 'en', 'en-ko-only'];
export type QueryGroup = Exclude<EvalGroup, 'en-ko-only'>;

export interface GroupMetrics {
  queries: number;
  recall_at_1: number;
  recall_at_5: number;
  /** Mean reciprocal rank, a miss (not in the ranking looked at) counting 0. */
  mrr: number;
}

/** `ranks[i]`: 1-based rank of query i's relevant passage, or null when it was not returned. */
export function metricsOf(ranks: Array<number | null>): GroupMetrics {
  const n = ranks.length;
  const within = (k: number) => ranks.filter((rank) => rank !== null && rank <= k).length / n;
  const mrr = ranks.reduce<number>((sum, rank) => sum + (rank === null ? 0 : 1 / rank), 0) / n;
  return { queries: n, recall_at_1: within(1), recall_at_5: within(5), mrr };
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** 1-based rank of `relevant` when the passages are ordered by cosine similarity to `query` (ties count against it). */
export function rankByCosine(query: number[], passages: Array<{ id: string; vector: number[] }>, relevant: string): number {
  const target = passages.find((p) => p.id === relevant);
  if (!target) throw new Error(`no passage ${relevant}`);
  const score = cosine(query, target.vector);
  return 1 + passages.filter((p) => p.id !== relevant && cosine(query, p.vector) >= score).length;
}

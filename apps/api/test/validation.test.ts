import { ValidationFailedError, type FieldProblem } from '@nonstop/core';
import { ChunkDto } from '../src/validation/batch-insert.dto';
import { checkDeclaredRules, checkWithClassValidator } from '../src/validation/dto-check';
import { ProblemList } from '../src/validation/problem-list';
import { validateBatchInsertBody, type BatchInsertLimits } from '../src/validation/validate-body';

const limits: BatchInsertLimits = { maxDocuments: 3, maxChunksPerDocument: 4, maxChunkTextLength: 50, maxMetadataBytes: 200 };

type Body = Record<string, any>;

function goodBody(): Body {
  return {
    account_name: 'chatty',
    documents: [
      {
        chat_bot_id: 'bot001',
        content_name: 'https://example.com/article1',
        chunks: [{ chunk_index: 0, text: 'first paragraph' }, { chunk_index: 1, text: '두 번째 문단' }],
        metadata: { title: 'AI study guide', author: 'Kim Dev' },
      },
      { chat_bot_id: 'bot001', content_name: 'https://example.com/article2', chunks: [{ chunk_index: 0, text: 'x' }] },
    ],
    webhook_url: 'https://your-server.example/job/notify',
  };
}

/** Runs the validator and returns the problems it reported (fails the test if it accepted the body). */
function problemsOf(body: unknown, withLimits: BatchInsertLimits = limits): FieldProblem[] {
  try {
    validateBatchInsertBody(body, withLimits);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    const failure = error as ValidationFailedError;
    expect(failure.status).toBe(400);
    expect(failure.code).toBe('validation_failed');
    return failure.details ?? [];
  }
  throw new Error('body was accepted but should have been rejected');
}

const doc0 = (b: Body): Body => b.documents[0];
const chunk0 = (b: Body): Body => b.documents[0].chunks[0];
/** JSON.parse makes "__proto__" and "constructor" own properties, as body-parser does. */
const parsed = (json: string): unknown => JSON.parse(json);
const withKey = (json: string): unknown => {
  const b = goodBody();
  return parsed(JSON.stringify(b).replace('{"account_name"', `{${json},"account_name"`));
};

type BadCase = [name: string, body: unknown, field: string, problem?: RegExp];
const mutated = (edit: (b: Body) => void): Body => {
  const b = goodBody();
  edit(b);
  return b;
};

const badBodies: BadCase[] = [
  // The body itself
  ['body null', null, 'body', /must be a JSON object, got null/],
  ['body array', [goodBody()], 'body', /got array/],
  ['body number', 42, 'body', /got number/],
  ['body string', '{"account_name":"a"}', 'body', /got string/],
  ['body missing', undefined, 'body', /got nothing/],
  // account_name
  ['account_name missing', mutated((b) => delete b.account_name), 'account_name', /must be a string, got nothing/],
  ['account_name number', mutated((b) => { b.account_name = 7; }), 'account_name', /must be a string, got number/],
  ['account_name null', mutated((b) => { b.account_name = null; }), 'account_name', /got null/],
  ['account_name empty', mutated((b) => { b.account_name = ''; }), 'account_name', /non-empty/],
  ['account_name with spaces', mutated((b) => { b.account_name = 'my account'; }), 'account_name', /only ASCII letters/],
  ['account_name Milvus-expression injection', mutated((b) => { b.account_name = 'a" or account_name != "'; }), 'account_name', /only ASCII letters/],
  ['account_name SQL injection', mutated((b) => { b.account_name = "x' OR '1'='1"; }), 'account_name', /only ASCII letters/],
  ['account_name with backslash', mutated((b) => { b.account_name = 'a\\b'; }), 'account_name'],
  ['account_name Korean', mutated((b) => { b.account_name = '채티'; }), 'account_name', /got "채티"/],
  ['account_name leading dash', mutated((b) => { b.account_name = '-rf'; }), 'account_name'],
  ['account_name too long', mutated((b) => { b.account_name = 'a'.repeat(129); }), 'account_name', /exceeds 128 characters/],
  ['account_name with NUL', mutated((b) => { b.account_name = 'ab\u0000c'; }), 'account_name', /NUL character \(U\+0000\) at index 2/],
  // documents
  ['documents missing', mutated((b) => delete b.documents), 'documents', /must be an array of documents, got nothing/],
  ['documents object', mutated((b) => { b.documents = { 0: doc0(b) }; }), 'documents', /got object/],
  ['documents string', mutated((b) => { b.documents = 'many'; }), 'documents', /got string/],
  ['documents empty', mutated((b) => { b.documents = []; }), 'documents', /at least 1 document/],
  ['too many documents', mutated((b) => { b.documents = [doc0(b), doc0(b), doc0(b), doc0(b)]; }), 'documents', /has 4 documents; the limit is 3/],
  ['document null', mutated((b) => { b.documents[1] = null; }), 'documents[1]', /must be an object, got null/],
  ['document string', mutated((b) => { b.documents[0] = 'doc'; }), 'documents[0]', /got string/],
  ['document array', mutated((b) => { b.documents[0] = [doc0(b)]; }), 'documents[0]', /got array/],
  // chat_bot_id
  ['chat_bot_id missing', mutated((b) => delete doc0(b).chat_bot_id), 'documents[0].chat_bot_id', /got nothing/],
  ['chat_bot_id number', mutated((b) => { b.documents[1].chat_bot_id = 1; }), 'documents[1].chat_bot_id', /got number/],
  ['chat_bot_id with quote', mutated((b) => { doc0(b).chat_bot_id = 'bot"1'; }), 'documents[0].chat_bot_id', /only ASCII letters/],
  ['chat_bot_id too long', mutated((b) => { doc0(b).chat_bot_id = 'b'.repeat(129); }), 'documents[0].chat_bot_id', /exceeds 128/],
  // content_name
  ['content_name missing', mutated((b) => delete doc0(b).content_name), 'documents[0].content_name', /got nothing/],
  ['content_name number', mutated((b) => { doc0(b).content_name = 12; }), 'documents[0].content_name', /got number/],
  ['content_name empty', mutated((b) => { doc0(b).content_name = ''; }), 'documents[0].content_name', /non-empty/],
  ['content_name whitespace', mutated((b) => { doc0(b).content_name = ' \t\n '; }), 'documents[0].content_name', /only whitespace/],
  ['content_name too long', mutated((b) => { doc0(b).content_name = 'n'.repeat(2049); }), 'documents[0].content_name', /exceeds 2048 characters/],
  ['content_name NUL', mutated((b) => { doc0(b).content_name = 'a\u0000'; }), 'documents[0].content_name', /NUL/],
  ['content_name lone high surrogate', mutated((b) => { doc0(b).content_name = '문서\uD83D'; }), 'documents[0].content_name', /unpaired UTF-16 surrogate at index 2/],
  ['content_name lone low surrogate', mutated((b) => { doc0(b).content_name = '\uDE00doc'; }), 'documents[0].content_name', /unpaired UTF-16 surrogate at index 0/],
  // chunks
  ['chunks missing', mutated((b) => delete doc0(b).chunks), 'documents[0].chunks', /must be an array of chunks, got nothing/],
  ['chunks string', mutated((b) => { doc0(b).chunks = 'text'; }), 'documents[0].chunks', /got string/],
  ['chunks object', mutated((b) => { doc0(b).chunks = chunk0(b); }), 'documents[0].chunks', /got object/],
  ['chunks empty', mutated((b) => { b.documents[1].chunks = []; }), 'documents[1].chunks', /at least 1 chunk$/],
  ['too many chunks', mutated((b) => { doc0(b).chunks = [0, 1, 2, 3, 4].map((i) => ({ chunk_index: i, text: 't' })); }), 'documents[0].chunks', /has 5 chunks; the limit is 4/],
  ['chunk number', mutated((b) => { doc0(b).chunks[1] = 5; }), 'documents[0].chunks[1]', /must be an object, got number/],
  ['chunk null', mutated((b) => { doc0(b).chunks[0] = null; }), 'documents[0].chunks[0]', /got null/],
  // chunk_index
  ['chunk_index missing', mutated((b) => delete chunk0(b).chunk_index), 'documents[0].chunks[0].chunk_index', /integer >= 0, got nothing/],
  ['chunk_index numeric string', mutated((b) => { chunk0(b).chunk_index = '1'; }), 'documents[0].chunks[0].chunk_index', /got string/],
  ['chunk_index negative', mutated((b) => { chunk0(b).chunk_index = -1; }), 'documents[0].chunks[0].chunk_index', /got -1/],
  ['chunk_index fractional', mutated((b) => { chunk0(b).chunk_index = 0.5; }), 'documents[0].chunks[0].chunk_index', /got 0.5/],
  ['chunk_index above int4', mutated((b) => { chunk0(b).chunk_index = 2 ** 31; }), 'documents[0].chunks[0].chunk_index', /at most 2147483647/],
  ['chunk_index huge', mutated((b) => { chunk0(b).chunk_index = 1e300; }), 'documents[0].chunks[0].chunk_index', /at most/],
  ['chunk_index boolean', mutated((b) => { chunk0(b).chunk_index = true; }), 'documents[0].chunks[0].chunk_index', /got boolean/],
  ['chunk_index null', mutated((b) => { chunk0(b).chunk_index = null; }), 'documents[0].chunks[0].chunk_index', /got null/],
  ['duplicate chunk_index', mutated((b) => { doc0(b).chunks[1].chunk_index = 0; }), 'documents[0].chunks[1].chunk_index',
    /^duplicate chunk_index 0 \(also at documents\[0\]\.chunks\[0\]\)$/],
  // text
  ['text missing', mutated((b) => delete chunk0(b).text), 'documents[0].chunks[0].text', /must be a string, got nothing/],
  ['text number', mutated((b) => { chunk0(b).text = 3; }), 'documents[0].chunks[0].text', /got number/],
  ['text empty', mutated((b) => { chunk0(b).text = ''; }), 'documents[0].chunks[0].text', /non-empty/],
  ['text whitespace only', mutated((b) => { chunk0(b).text = ' \n\t\u3000'; }), 'documents[0].chunks[0].text', /only whitespace/],
  ['text too long', mutated((b) => { chunk0(b).text = 'a'.repeat(51); }), 'documents[0].chunks[0].text', /^exceeds 50 characters$/],
  ['text too long in Korean', mutated((b) => { chunk0(b).text = '가'.repeat(51); }), 'documents[0].chunks[0].text', /exceeds 50/],
  ['text NUL', mutated((b) => { doc0(b).chunks[1].text = 'a\u0000b'; }), 'documents[0].chunks[1].text', /NUL character \(U\+0000\) at index 1/],
  ['text lone surrogate', mutated((b) => { chunk0(b).text = 'x\uDBFFy'; }), 'documents[0].chunks[0].text', /unpaired UTF-16 surrogate/],
  // metadata
  ['metadata array', mutated((b) => { doc0(b).metadata = [1]; }), 'documents[0].metadata', /must be a JSON object, got array/],
  ['metadata null', mutated((b) => { doc0(b).metadata = null; }), 'documents[0].metadata', /got null/],
  ['metadata string', mutated((b) => { doc0(b).metadata = '{"a":1}'; }), 'documents[0].metadata', /got string/],
  ['metadata number', mutated((b) => { doc0(b).metadata = 1; }), 'documents[0].metadata', /got number/],
  ['metadata too big', mutated((b) => { doc0(b).metadata = { notes: '메'.repeat(70) }; }), 'documents[0].metadata', /^exceeds 200 bytes as JSON \(222 bytes\)$/],
  ['metadata far too big (stops walking early)', mutated((b) => { doc0(b).metadata = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])); }),
    'documents[0].metadata', /^exceeds 200 bytes as JSON$/],
  ['metadata too deep', mutated((b) => { doc0(b).metadata = { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } }; }), 'documents[0].metadata',
    /nested deeper than 8 levels \(at documents\[0\]\.metadata\.a\.b\.c\.d\.e\.f\.g\.h\)/],
  ['metadata too deep in arrays', mutated((b) => { doc0(b).metadata = { a: [[[[[[[[1]]]]]]]] }; }), 'documents[0].metadata', /deeper than 8/],
  ['metadata value with NUL', mutated((b) => { doc0(b).metadata = { author: 'Kim\u0000' }; }), 'documents[0].metadata.author', /NUL/],
  ['metadata nested lone surrogate', mutated((b) => { doc0(b).metadata = { tags: ['ok', '\uD800'] }; }), 'documents[0].metadata.tags[1]', /surrogate/],
  ['metadata key with lone surrogate', mutated((b) => { doc0(b).metadata = { ['k\uDC00']: 1 }; }), 'documents[0].metadata["k\\udc00"]', /key contains an unpaired/],
  ['metadata "__proto__" key', parsed('{"account_name":"a","documents":[{"chat_bot_id":"b","content_name":"c","chunks":[{"chunk_index":0,"text":"t"}],"metadata":{"__proto__":{"admin":true}}}]}'),
    'documents[0].metadata.__proto__', /not allowed/],
  // unknown fields at every level
  ['extra root field', mutated((b) => { b.priority = 'high'; }), 'priority', /^is not an allowed field$/],
  ['extra document field', mutated((b) => { b.documents[1].title = 'x'; }), 'documents[1].title', /not an allowed field/],
  ['extra chunk field', mutated((b) => { doc0(b).chunks[1].embedding = [0.1]; }), 'documents[0].chunks[1].embedding', /not an allowed field/],
  ['extra field with odd name', mutated((b) => { doc0(b)['content name'] = 'x'; }), 'documents[0]["content name"]', /not an allowed field/],
  ['root "constructor" field', withKey('"constructor":{"name":"x"}'), 'constructor', /not an allowed field/],
  ['root "__proto__" field', withKey('"__proto__":{"isAdmin":true}'), '__proto__', /not an allowed field/],
  ['document "__proto__" field', parsed('{"account_name":"a","documents":[{"__proto__":{},"chat_bot_id":"b","content_name":"c","chunks":[{"chunk_index":0,"text":"t"}]}]}'),
    'documents[0].__proto__', /not an allowed field/],
  ['chunk "constructor" field', parsed('{"account_name":"a","documents":[{"chat_bot_id":"b","content_name":"c","chunks":[{"constructor":1,"chunk_index":0,"text":"t"}]}]}'),
    'documents[0].chunks[0].constructor', /not an allowed field/],
  // webhook_url
  ['webhook_url not a URL', mutated((b) => { b.webhook_url = 'your-server/notify'; }), 'webhook_url', /absolute http\(s\) URL/],
  ['webhook_url ftp', mutated((b) => { b.webhook_url = 'ftp://example.com/x'; }), 'webhook_url', /must use http or https/],
  ['webhook_url javascript:', mutated((b) => { b.webhook_url = 'javascript:alert(1)'; }), 'webhook_url', /must use http or https/],
  ['webhook_url number', mutated((b) => { b.webhook_url = 1; }), 'webhook_url', /got number/],
  ['webhook_url null', mutated((b) => { b.webhook_url = null; }), 'webhook_url', /got null/],
  ['webhook_url too long', mutated((b) => { b.webhook_url = `https://example.com/${'p'.repeat(2048)}`; }), 'webhook_url', /exceeds 2048/],
  ['webhook_url with credentials', mutated((b) => { b.webhook_url = 'https://user:pw@example.com/'; }), 'webhook_url', /credentials/],
  ['webhook_url with surrounding space', mutated((b) => { b.webhook_url = ' https://example.com/'; }), 'webhook_url', /without spaces/],
];

describe('validateBatchInsertBody rejects bad bodies, naming the field', () => {
  it('has a broad table', () => {
    expect(badBodies.length).toBeGreaterThanOrEqual(40);
  });

  // Every row gets four cells: jest would pass its `done` callback in a missing one.
  it.each(badBodies.map(([name, body, field, problem]) => [name, body, field, problem ?? null] as const))('%s', (_name, body, field, problem) => {
    const problems = problemsOf(body);
    const atField = problems.filter((p) => p.field === field);
    expect({ field, reported: atField.length > 0 ? atField : problems }).toEqual({ field, reported: [expect.objectContaining({ field })] });
    if (problem !== null) expect(atField[0]!.problem).toMatch(problem);
  });
});

describe('validateBatchInsertBody reports everything at once', () => {
  it('lists every problem across levels, in body order', () => {
    const body = mutated((b) => {
      b.account_name = 'a b';
      b.extra = 1;
      doc0(b).chat_bot_id = 5;
      doc0(b).chunks[1] = { chunk_index: '1', text: '' };
      b.documents[1].metadata = [];
    });
    expect(problemsOf(body).map((p) => p.field)).toEqual([
      'extra',
      'account_name',
      'documents[0].chat_bot_id',
      'documents[0].chunks[1].chunk_index',
      'documents[0].chunks[1].text',
      'documents[1].metadata',
    ]);
  });

  it('counts a million documents without looking inside them', () => {
    const body = { account_name: 'acc', documents: new Array(1_000_000).fill('not even an object') };
    const started = process.hrtime.bigint();
    const problems = problemsOf(body);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
    expect(problems).toEqual([{ field: 'documents', problem: 'has 1000000 documents; the limit is 3' }]);
  });

  it('does not look inside a document with too many chunks', () => {
    const body = mutated((b) => { doc0(b).chunks = new Array(10).fill(null); });
    expect(problemsOf(body)).toEqual([{ field: 'documents[0].chunks', problem: 'has 10 chunks; the limit is 4' }]);
  });

  it('stops after 1000 problems and says so', () => {
    const body = { account_name: 'acc', documents: [{ chat_bot_id: 'b', content_name: 'c', chunks: new Array(5000).fill({ chunk_index: -1, text: 't' }) }] };
    const problems = problemsOf(body, { ...limits, maxChunksPerDocument: 10_000 });
    expect(problems).toHaveLength(1001);
    expect(problems[999]!.field).toBe('documents[0].chunks[999].chunk_index');
    expect(problems[1000]).toEqual({ field: 'body', problem: 'validation stopped after 1000 problems; there may be more' });
  });

  it('reports each duplicate chunk_index against its first occurrence', () => {
    const body = mutated((b) => {
      doc0(b).chunks = [{ chunk_index: 2, text: 'a' }, { chunk_index: 0, text: 'b' }, { chunk_index: 2, text: 'c' }, { chunk_index: 2, text: 'd' }];
    });
    expect(problemsOf(body)).toEqual([
      { field: 'documents[0].chunks[2].chunk_index', problem: 'duplicate chunk_index 2 (also at documents[0].chunks[0])' },
      { field: 'documents[0].chunks[3].chunk_index', problem: 'duplicate chunk_index 2 (also at documents[0].chunks[0])' },
    ]);
  });

  it('keeps Korean echoes intact and cuts long echoes without splitting characters', () => {
    const korean = problemsOf(mutated((b) => { doc0(b).chat_bot_id = '한국어 봇'; })).find((p) => p.field === 'documents[0].chat_bot_id');
    expect(korean!.problem).toContain('(got "한국어 봇")');
    const long = problemsOf(mutated((b) => { b.account_name = '😀'.repeat(60); }))[0]!;
    expect(long.problem).toContain(`(got "${'😀'.repeat(40)}"... (60 characters))`);
    expect(long.problem).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(long.problem.length).toBeLessThan(250);
  });

  it('produces an error whose message and details survive JSON', () => {
    try {
      validateBatchInsertBody(mutated((b) => { doc0(b).content_name = '\uD800'; }), limits);
    } catch (error) {
      const json = JSON.stringify({ message: (error as Error).message, details: (error as ValidationFailedError).details });
      expect(Buffer.from(json, 'utf8').toString('utf8')).toBe(json);
      expect(json).toContain('documents[0].content_name');
      return;
    }
    throw new Error('expected a failure');
  });
});

describe('validateBatchInsertBody accepts good bodies unchanged', () => {
  const goodBodies: [string, Body][] = [
    ['the mission example', goodBody()],
    ['Korean', { account_name: 'team_kr', documents: [{ chat_bot_id: 'bot-01', content_name: '인공지능 학습 가이드', chunks: [{ chunk_index: 0, text: '첫 번째 문단입니다.' }], metadata: { 제목: 'AI 학습', 저자: '김개발' } }] }],
    ['English without optional fields', { account_name: 'acme.prod:eu-1', documents: [{ chat_bot_id: 'support_bot', content_name: 'faq.md', chunks: [{ chunk_index: 0, text: 'How do I reset my password?' }] }] }],
    ['mixed Korean and English', { account_name: 'chatty', documents: [{ chat_bot_id: 'bot001', content_name: 'RAG 파이프라인 overview', chunks: [{ chunk_index: 3, text: 'Milvus에 vector를 저장합니다.' }, { chunk_index: 1, text: 'PostgreSQL first' }] }] }],
    ['emoji, counted as characters not UTF-16 units', { account_name: 'a', documents: [{ chat_bot_id: 'b', content_name: '🎉 launch', chunks: [{ chunk_index: 0, text: '😀'.repeat(50) }] }] }],
    ['quotes, backslashes and a query string in content_name', { account_name: 'a', documents: [{ chat_bot_id: 'b', content_name: 'C:\\docs\\"quoted" \'single\' https://x.example/?q=a"b&c=\\u0000', chunks: [{ chunk_index: 0, text: 'He said "hi" \\ bye' }] }] }],
    ['boundaries: max chunk_index, max text, 4 chunks, 3 documents', {
      account_name: 'a'.repeat(128),
      documents: [0, 1, 2].map((d) => ({ chat_bot_id: 'b', content_name: 'n'.repeat(2048), chunks: [2_147_483_647, 0, 7, 8].map((i) => ({ chunk_index: i, text: 'x'.repeat(50) })) })),
    }],
    ['two documents with the same identity (the pipeline reports the second)', { account_name: 'a', documents: [0, 1].map(() => ({ chat_bot_id: 'b', content_name: 'same', chunks: [{ chunk_index: 0, text: 't' }] })) }],
    ['metadata keys class-transformer would drop', { account_name: 'a', documents: [{ chat_bot_id: 'b', content_name: 'c', chunks: [{ chunk_index: 0, text: 't' }], metadata: { constructor: 'x', toString: 1, nested: { valueOf: [null, true, 1.5] } } }] }],
    ['metadata nested exactly 8 levels', { account_name: 'a', documents: [{ chat_bot_id: 'b', content_name: 'c', chunks: [{ chunk_index: 0, text: 't' }], metadata: { a: { b: { c: { d: { e: { f: { g: {} } } } } } } } }] }],
    ['an http webhook', mutated((b) => { b.webhook_url = 'http://localhost:8080/hook?x=1'; })],
  ];

  it.each(goodBodies)('%s', (_name, body) => {
    const before = JSON.stringify(body);
    const request = validateBatchInsertBody(body, limits);
    expect(request).toEqual(JSON.parse(before));
    expect(JSON.stringify(request)).toBe(before);
    expect(JSON.stringify(body)).toBe(before);
    expect(Object.getPrototypeOf(request.documents[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(request.documents[0]!.chunks[0])).toBe(Object.prototype);
  });

  it('passes metadata through as the same object', () => {
    const body = goodBody();
    expect(validateBatchInsertBody(body, limits).documents[0]!.metadata).toBe(body.documents[0].metadata);
  });
});

describe('the chunk fast path agrees with class-validator', () => {
  const chunks: Record<string, unknown>[] = [
    { chunk_index: 0, text: 'ok' },
    { chunk_index: '0', text: 5 },
    { chunk_index: -1 },
    { text: ' ', extra: 1, another: null },
    { chunk_index: 1.5, text: '\u0000' },
    {},
  ];

  it.each(chunks.map((chunk) => [JSON.stringify(chunk), chunk]))('%s', (_name, chunk) => {
    const viaClassValidator = new ProblemList();
    const viaRules = new ProblemList();
    checkWithClassValidator(ChunkDto, chunk, 'c', viaClassValidator);
    checkDeclaredRules(ChunkDto, chunk, 'c', viaRules);
    expect(viaRules.toDetails()).toEqual(viaClassValidator.toDetails());
  });
});

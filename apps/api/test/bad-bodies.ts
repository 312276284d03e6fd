import type { BatchInsertLimits } from '../src/validation/validate-body';

/**
 * The table of bad bodies: the validator's unit test checks each row's field
 * and wording (validation.test.ts), and the hostile-input corpus sends every
 * row through the real app to both POST endpoints (hostile/body-cases.ts).
 */
export const limits: BatchInsertLimits = { maxDocuments: 3, maxChunksPerDocument: 4, maxChunkTextLength: 50, maxMetadataBytes: 200 };

export type Body = Record<string, any>;

export function goodBody(): Body {
  return {
    account_name: 'chatty',
    documents: [
      {
        chat_bot_id: 'bot001',
        content_name: 'https://example.com/article1',
        chunks: [
          { chunk_index: 0, text: 'first paragraph' },
          { chunk_index: 1, text: '두 번째 문단' },
        ],
        metadata: { title: 'AI study guide', author: 'Kim Dev' },
      },
      { chat_bot_id: 'bot001', content_name: 'https://example.com/article2', chunks: [{ chunk_index: 0, text: 'x' }] },
    ],
    webhook_url: 'https://your-server.example/job/notify',
  };
}

export const doc0 = (b: Body): Body => b.documents[0];
export const chunk0 = (b: Body): Body => b.documents[0].chunks[0];
/** JSON.parse makes "__proto__" and "constructor" own properties, as body-parser does. */
export const parsed = (json: string): unknown => JSON.parse(json);
export const withKey = (json: string): unknown => {
  const b = goodBody();
  return parsed(JSON.stringify(b).replace('{"account_name"', `{${json},"account_name"`));
};

export type BadCase = [name: string, body: unknown, field: string, problem?: RegExp];
export const mutated = (edit: (b: Body) => void): Body => {
  const b = goodBody();
  edit(b);
  return b;
};

export const badBodies: BadCase[] = [
  // The body itself
  ['body null', null, 'body', /must be a JSON object, got null/],
  ['body array', [goodBody()], 'body', /got array/],
  ['body number', 42, 'body', /got number/],
  ['body string', '{"account_name":"a"}', 'body', /got string/],
  ['body missing', undefined, 'body', /got nothing/],
  // account_name
  ['account_name missing', mutated((b) => delete b.account_name), 'account_name', /must be a string, got nothing/],
  [
    'account_name number',
    mutated((b) => {
      b.account_name = 7;
    }),
    'account_name',
    /must be a string, got number/,
  ],
  [
    'account_name null',
    mutated((b) => {
      b.account_name = null;
    }),
    'account_name',
    /got null/,
  ],
  [
    'account_name empty',
    mutated((b) => {
      b.account_name = '';
    }),
    'account_name',
    /non-empty/,
  ],
  [
    'account_name with spaces',
    mutated((b) => {
      b.account_name = 'my account';
    }),
    'account_name',
    /only ASCII letters/,
  ],
  [
    'account_name Milvus-expression injection',
    mutated((b) => {
      b.account_name = 'a" or account_name != "';
    }),
    'account_name',
    /only ASCII letters/,
  ],
  [
    'account_name SQL injection',
    mutated((b) => {
      b.account_name = "x' OR '1'='1";
    }),
    'account_name',
    /only ASCII letters/,
  ],
  [
    'account_name with backslash',
    mutated((b) => {
      b.account_name = 'a\\b';
    }),
    'account_name',
  ],
  [
    'account_name Korean',
    mutated((b) => {
      b.account_name = '채티';
    }),
    'account_name',
    /got "채티"/,
  ],
  [
    'account_name leading dash',
    mutated((b) => {
      b.account_name = '-rf';
    }),
    'account_name',
  ],
  [
    'account_name too long',
    mutated((b) => {
      b.account_name = 'a'.repeat(129);
    }),
    'account_name',
    /exceeds 128 characters/,
  ],
  [
    'account_name with NUL',
    mutated((b) => {
      b.account_name = 'ab\u0000c';
    }),
    'account_name',
    /NUL character \(U\+0000\) at index 2/,
  ],
  // documents
  ['documents missing', mutated((b) => delete b.documents), 'documents', /must be an array of documents, got nothing/],
  [
    'documents object',
    mutated((b) => {
      b.documents = { 0: doc0(b) };
    }),
    'documents',
    /got object/,
  ],
  [
    'documents string',
    mutated((b) => {
      b.documents = 'many';
    }),
    'documents',
    /got string/,
  ],
  [
    'documents empty',
    mutated((b) => {
      b.documents = [];
    }),
    'documents',
    /at least 1 document/,
  ],
  [
    'too many documents',
    mutated((b) => {
      b.documents = [doc0(b), doc0(b), doc0(b), doc0(b)];
    }),
    'documents',
    /has 4 documents; the limit is 3/,
  ],
  [
    'document null',
    mutated((b) => {
      b.documents[1] = null;
    }),
    'documents[1]',
    /must be an object, got null/,
  ],
  [
    'document string',
    mutated((b) => {
      b.documents[0] = 'doc';
    }),
    'documents[0]',
    /got string/,
  ],
  [
    'document array',
    mutated((b) => {
      b.documents[0] = [doc0(b)];
    }),
    'documents[0]',
    /got array/,
  ],
  // chat_bot_id
  ['chat_bot_id missing', mutated((b) => delete doc0(b).chat_bot_id), 'documents[0].chat_bot_id', /got nothing/],
  [
    'chat_bot_id number',
    mutated((b) => {
      b.documents[1].chat_bot_id = 1;
    }),
    'documents[1].chat_bot_id',
    /got number/,
  ],
  [
    'chat_bot_id with quote',
    mutated((b) => {
      doc0(b).chat_bot_id = 'bot"1';
    }),
    'documents[0].chat_bot_id',
    /only ASCII letters/,
  ],
  [
    'chat_bot_id too long',
    mutated((b) => {
      doc0(b).chat_bot_id = 'b'.repeat(129);
    }),
    'documents[0].chat_bot_id',
    /exceeds 128/,
  ],
  // content_name
  ['content_name missing', mutated((b) => delete doc0(b).content_name), 'documents[0].content_name', /got nothing/],
  [
    'content_name number',
    mutated((b) => {
      doc0(b).content_name = 12;
    }),
    'documents[0].content_name',
    /got number/,
  ],
  [
    'content_name empty',
    mutated((b) => {
      doc0(b).content_name = '';
    }),
    'documents[0].content_name',
    /non-empty/,
  ],
  [
    'content_name whitespace',
    mutated((b) => {
      doc0(b).content_name = ' \t\n ';
    }),
    'documents[0].content_name',
    /only whitespace/,
  ],
  [
    'content_name too long',
    mutated((b) => {
      doc0(b).content_name = 'n'.repeat(2049);
    }),
    'documents[0].content_name',
    /exceeds 2048 characters/,
  ],
  [
    'content_name NUL',
    mutated((b) => {
      doc0(b).content_name = 'a\u0000';
    }),
    'documents[0].content_name',
    /NUL/,
  ],
  [
    'content_name lone high surrogate',
    mutated((b) => {
      doc0(b).content_name = '문서\uD83D';
    }),
    'documents[0].content_name',
    /unpaired UTF-16 surrogate at index 2/,
  ],
  [
    'content_name lone low surrogate',
    mutated((b) => {
      doc0(b).content_name = '\uDE00doc';
    }),
    'documents[0].content_name',
    /unpaired UTF-16 surrogate at index 0/,
  ],
  // chunks
  ['chunks missing', mutated((b) => delete doc0(b).chunks), 'documents[0].chunks', /must be an array of chunks, got nothing/],
  [
    'chunks string',
    mutated((b) => {
      doc0(b).chunks = 'text';
    }),
    'documents[0].chunks',
    /got string/,
  ],
  [
    'chunks object',
    mutated((b) => {
      doc0(b).chunks = chunk0(b);
    }),
    'documents[0].chunks',
    /got object/,
  ],
  [
    'chunks empty',
    mutated((b) => {
      b.documents[1].chunks = [];
    }),
    'documents[1].chunks',
    /at least 1 chunk$/,
  ],
  [
    'too many chunks',
    mutated((b) => {
      doc0(b).chunks = [0, 1, 2, 3, 4].map((i) => ({ chunk_index: i, text: 't' }));
    }),
    'documents[0].chunks',
    /has 5 chunks; the limit is 4/,
  ],
  [
    'chunk number',
    mutated((b) => {
      doc0(b).chunks[1] = 5;
    }),
    'documents[0].chunks[1]',
    /must be an object, got number/,
  ],
  [
    'chunk null',
    mutated((b) => {
      doc0(b).chunks[0] = null;
    }),
    'documents[0].chunks[0]',
    /got null/,
  ],
  // chunk_index
  ['chunk_index missing', mutated((b) => delete chunk0(b).chunk_index), 'documents[0].chunks[0].chunk_index', /integer >= 0, got nothing/],
  [
    'chunk_index numeric string',
    mutated((b) => {
      chunk0(b).chunk_index = '1';
    }),
    'documents[0].chunks[0].chunk_index',
    /got string/,
  ],
  [
    'chunk_index negative',
    mutated((b) => {
      chunk0(b).chunk_index = -1;
    }),
    'documents[0].chunks[0].chunk_index',
    /got -1/,
  ],
  [
    'chunk_index fractional',
    mutated((b) => {
      chunk0(b).chunk_index = 0.5;
    }),
    'documents[0].chunks[0].chunk_index',
    /got 0.5/,
  ],
  [
    'chunk_index above int4',
    mutated((b) => {
      chunk0(b).chunk_index = 2 ** 31;
    }),
    'documents[0].chunks[0].chunk_index',
    /at most 2147483647/,
  ],
  [
    'chunk_index huge',
    mutated((b) => {
      chunk0(b).chunk_index = 1e300;
    }),
    'documents[0].chunks[0].chunk_index',
    /at most/,
  ],
  [
    'chunk_index boolean',
    mutated((b) => {
      chunk0(b).chunk_index = true;
    }),
    'documents[0].chunks[0].chunk_index',
    /got boolean/,
  ],
  [
    'chunk_index null',
    mutated((b) => {
      chunk0(b).chunk_index = null;
    }),
    'documents[0].chunks[0].chunk_index',
    /got null/,
  ],
  [
    'duplicate chunk_index',
    mutated((b) => {
      doc0(b).chunks[1].chunk_index = 0;
    }),
    'documents[0].chunks[1].chunk_index',
    /^duplicate chunk_index 0 \(also at documents\[0\]\.chunks\[0\]\)$/,
  ],
  // text
  ['text missing', mutated((b) => delete chunk0(b).text), 'documents[0].chunks[0].text', /must be a string, got nothing/],
  [
    'text number',
    mutated((b) => {
      chunk0(b).text = 3;
    }),
    'documents[0].chunks[0].text',
    /got number/,
  ],
  [
    'text empty',
    mutated((b) => {
      chunk0(b).text = '';
    }),
    'documents[0].chunks[0].text',
    /non-empty/,
  ],
  [
    'text whitespace only',
    mutated((b) => {
      chunk0(b).text = ' \n\t\u3000';
    }),
    'documents[0].chunks[0].text',
    /only whitespace/,
  ],
  [
    'text too long',
    mutated((b) => {
      chunk0(b).text = 'a'.repeat(51);
    }),
    'documents[0].chunks[0].text',
    /^exceeds 50 characters$/,
  ],
  [
    'text too long in Korean',
    mutated((b) => {
      chunk0(b).text = '가'.repeat(51);
    }),
    'documents[0].chunks[0].text',
    /exceeds 50/,
  ],
  [
    'text NUL',
    mutated((b) => {
      doc0(b).chunks[1].text = 'a\u0000b';
    }),
    'documents[0].chunks[1].text',
    /NUL character \(U\+0000\) at index 1/,
  ],
  [
    'text lone surrogate',
    mutated((b) => {
      chunk0(b).text = 'x\uDBFFy';
    }),
    'documents[0].chunks[0].text',
    /unpaired UTF-16 surrogate/,
  ],
  // metadata
  [
    'metadata array',
    mutated((b) => {
      doc0(b).metadata = [1];
    }),
    'documents[0].metadata',
    /must be a JSON object, got array/,
  ],
  [
    'metadata null',
    mutated((b) => {
      doc0(b).metadata = null;
    }),
    'documents[0].metadata',
    /got null/,
  ],
  [
    'metadata string',
    mutated((b) => {
      doc0(b).metadata = '{"a":1}';
    }),
    'documents[0].metadata',
    /got string/,
  ],
  [
    'metadata number',
    mutated((b) => {
      doc0(b).metadata = 1;
    }),
    'documents[0].metadata',
    /got number/,
  ],
  [
    'metadata too big',
    mutated((b) => {
      doc0(b).metadata = { notes: '메'.repeat(70) };
    }),
    'documents[0].metadata',
    /^exceeds 200 bytes as JSON \(222 bytes\)$/,
  ],
  [
    'metadata far too big (stops walking early)',
    mutated((b) => {
      doc0(b).metadata = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    }),
    'documents[0].metadata',
    /^exceeds 200 bytes as JSON$/,
  ],
  [
    'metadata too deep',
    mutated((b) => {
      doc0(b).metadata = { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } };
    }),
    'documents[0].metadata',
    /nested deeper than 8 levels \(at documents\[0\]\.metadata\.a\.b\.c\.d\.e\.f\.g\.h\)/,
  ],
  [
    'metadata too deep in arrays',
    mutated((b) => {
      doc0(b).metadata = { a: [[[[[[[[1]]]]]]]] };
    }),
    'documents[0].metadata',
    /deeper than 8/,
  ],
  [
    'metadata value with NUL',
    mutated((b) => {
      doc0(b).metadata = { author: 'Kim\u0000' };
    }),
    'documents[0].metadata.author',
    /NUL/,
  ],
  [
    'metadata nested lone surrogate',
    mutated((b) => {
      doc0(b).metadata = { tags: ['ok', '\uD800'] };
    }),
    'documents[0].metadata.tags[1]',
    /surrogate/,
  ],
  [
    'metadata key with lone surrogate',
    mutated((b) => {
      doc0(b).metadata = { ['k\uDC00']: 1 };
    }),
    'documents[0].metadata["k\\udc00"]',
    /key contains an unpaired/,
  ],
  [
    'metadata "__proto__" key',
    parsed(
      '{"account_name":"a","documents":[{"chat_bot_id":"b","content_name":"c","chunks":[{"chunk_index":0,"text":"t"}],"metadata":{"__proto__":{"admin":true}}}]}',
    ),
    'documents[0].metadata.__proto__',
    /not allowed/,
  ],
  // unknown fields at every level
  [
    'extra root field',
    mutated((b) => {
      b.priority = 'high';
    }),
    'priority',
    /^is not an allowed field$/,
  ],
  [
    'extra document field',
    mutated((b) => {
      b.documents[1].title = 'x';
    }),
    'documents[1].title',
    /not an allowed field/,
  ],
  [
    'extra chunk field',
    mutated((b) => {
      doc0(b).chunks[1].embedding = [0.1];
    }),
    'documents[0].chunks[1].embedding',
    /not an allowed field/,
  ],
  [
    'extra field with odd name',
    mutated((b) => {
      doc0(b)['content name'] = 'x';
    }),
    'documents[0]["content name"]',
    /not an allowed field/,
  ],
  ['root "constructor" field', withKey('"constructor":{"name":"x"}'), 'constructor', /not an allowed field/],
  ['root "__proto__" field', withKey('"__proto__":{"isAdmin":true}'), '__proto__', /not an allowed field/],
  [
    'document "__proto__" field',
    parsed(
      '{"account_name":"a","documents":[{"__proto__":{},"chat_bot_id":"b","content_name":"c","chunks":[{"chunk_index":0,"text":"t"}]}]}',
    ),
    'documents[0].__proto__',
    /not an allowed field/,
  ],
  [
    'chunk "constructor" field',
    parsed(
      '{"account_name":"a","documents":[{"chat_bot_id":"b","content_name":"c","chunks":[{"constructor":1,"chunk_index":0,"text":"t"}]}]}',
    ),
    'documents[0].chunks[0].constructor',
    /not an allowed field/,
  ],
  // webhook_url
  [
    'webhook_url not a URL',
    mutated((b) => {
      b.webhook_url = 'your-server/notify';
    }),
    'webhook_url',
    /absolute http\(s\) URL/,
  ],
  [
    'webhook_url ftp',
    mutated((b) => {
      b.webhook_url = 'ftp://example.com/x';
    }),
    'webhook_url',
    /must use http or https/,
  ],
  [
    'webhook_url javascript:',
    mutated((b) => {
      b.webhook_url = 'javascript:alert(1)';
    }),
    'webhook_url',
    /must use http or https/,
  ],
  [
    'webhook_url number',
    mutated((b) => {
      b.webhook_url = 1;
    }),
    'webhook_url',
    /got number/,
  ],
  [
    'webhook_url null',
    mutated((b) => {
      b.webhook_url = null;
    }),
    'webhook_url',
    /got null/,
  ],
  [
    'webhook_url too long',
    mutated((b) => {
      b.webhook_url = `https://example.com/${'p'.repeat(2048)}`;
    }),
    'webhook_url',
    /exceeds 2048/,
  ],
  [
    'webhook_url with credentials',
    mutated((b) => {
      b.webhook_url = 'https://user:pw@example.com/';
    }),
    'webhook_url',
    /credentials/,
  ],
  [
    'webhook_url with surrounding space',
    mutated((b) => {
      b.webhook_url = ' https://example.com/';
    }),
    'webhook_url',
    /without spaces/,
  ],
];

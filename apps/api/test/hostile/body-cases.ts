import { apiError, brokenBody, goodBody, INJECTIONS, invalidField, rawBody, type CaseBody, type CaseContext, type Expected, type HostileCase } from './hostile-case';

/**
 * Bad bodies, each sent to both POST endpoints (the synchronous insert and
 * the job). The unit table in validation.test.ts covers the validator's
 * wording case by case; these prove the same refusals come back through the
 * real app (body parser, auth, routes, error middleware) with nothing stored.
 */

/** The limits the corpus runs with, small so that "too many" and "too big" stay cheap. */
export const HOSTILE_LIMITS = {
  MAX_DOCUMENTS_PER_REQUEST: '5',
  MAX_DOCUMENTS_PER_JOB: '5',
  MAX_CHUNKS_PER_DOCUMENT: '10',
  MAX_CHUNK_TEXT_LENGTH: '1000',
  MAX_METADATA_BYTES: '1024',
  MAX_SYNC_BODY_BYTES: '262144',
  MAX_JOB_BODY_BYTES: '262144',
} as const;

interface BodyCase {
  name: string;
  body: (c: CaseContext) => CaseBody;
  expect: Expected;
}

const chunk0 = 'documents[0].chunks[0]';
const nested = (depth: number, leaf: string): string => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

const rootCases: BodyCase[] = [
  { name: 'empty object', body: () => ({ json: {} }), expect: invalidField('account_name', /must be a string, got nothing/) },
  { name: 'top-level array', body: (c) => ({ json: [goodBody(c.account)] }), expect: invalidField('body', /got array/) },
  { name: 'extra root field', body: brokenBody((b) => { b.priority = 'high'; }), expect: invalidField('priority', /not an allowed field/) },
  { name: 'root "__proto__" field', body: rawBody((json) => json.replace('{', '{"__proto__":{"isAdmin":true},')), expect: invalidField('__proto__', /not an allowed field/) },
  { name: 'root "constructor" field', body: rawBody((json) => json.replace('{', '{"constructor":{"name":"x"},')), expect: invalidField('constructor') },
];

const accountCases: BodyCase[] = [
  { name: 'account_name number', body: brokenBody((b) => { b.account_name = 42; }), expect: invalidField('account_name', /got number/) },
  { name: 'account_name null', body: brokenBody((b) => { b.account_name = null; }), expect: invalidField('account_name', /got null/) },
  { name: 'account_name array', body: brokenBody((b) => { b.account_name = [b.account_name]; }), expect: invalidField('account_name', /got array/) },
  { name: 'account_name object', body: brokenBody((b) => { b.account_name = { $ne: '' }; }), expect: invalidField('account_name', /got object/) },
  { name: 'account_name boolean', body: brokenBody((b) => { b.account_name = true; }), expect: invalidField('account_name', /got boolean/) },
  { name: 'account_name empty', body: brokenBody((b) => { b.account_name = ''; }), expect: invalidField('account_name', /non-empty/) },
  { name: 'account_name 129 characters', body: brokenBody((b) => { b.account_name = 'a'.repeat(129); }), expect: invalidField('account_name', /exceeds 128/) },
  { name: 'account_name 100k characters', body: brokenBody((b) => { b.account_name = 'a'.repeat(100_000); }), expect: invalidField('account_name', /exceeds 128/) },
  ...INJECTIONS.map(([label, value]): BodyCase => (
    { name: `account_name ${label}`, body: brokenBody((b) => { b.account_name = value; }), expect: invalidField('account_name', /only ASCII letters/) })),
  { name: 'account_name with NUL', body: brokenBody((b) => { b.account_name = 'acct\u0000x'; }), expect: invalidField('account_name', /NUL/) },
  { name: 'account_name with RTL override', body: brokenBody((b) => { b.account_name = `${b.account_name}\u202Etxt.exe`; }), expect: invalidField('account_name') },
  { name: 'account_name with zero-width space', body: brokenBody((b) => { b.account_name = `${b.account_name}\u200B`; }), expect: invalidField('account_name') },
  { name: 'account_name Cyrillic homoglyph', body: brokenBody((b) => { b.account_name = 'аcct'; }), expect: invalidField('account_name') },
  { name: 'account_name lone surrogate', body: brokenBody((b) => { b.account_name = 'a\uD800'; }), expect: invalidField('account_name', /surrogate/) },
  { name: 'account_name of another account', body: (c) => ({ json: goodBody(c.otherAccount) }), expect: apiError(403, 'account_mismatch', 'account_name') },
];

const documentsCases: BodyCase[] = [
  { name: 'documents missing', body: brokenBody((b) => { delete b.documents; }), expect: invalidField('documents', /got nothing/) },
  { name: 'documents null', body: brokenBody((b) => { b.documents = null; }), expect: invalidField('documents', /got null/) },
  { name: 'documents string', body: brokenBody((b) => { b.documents = 'all of them'; }), expect: invalidField('documents', /got string/) },
  { name: 'documents object', body: brokenBody((b, d) => { b.documents = { 0: d }; }), expect: invalidField('documents', /got object/) },
  { name: 'documents empty', body: brokenBody((b) => { b.documents = []; }), expect: invalidField('documents', /at least 1/) },
  { name: 'documents over the limit', body: brokenBody((b, d) => { b.documents = Array.from({ length: 6 }, (_, i) => ({ ...d, content_name: `n${i}` })); }),
    expect: invalidField('documents', /has 6 documents; the limit is 5/) },
  { name: '100,000 documents', body: rawBody((json) => json.replace(/"documents":\[.*\]\}$/s, `"documents":[${'0,'.repeat(99_999)}0]}`)),
    expect: invalidField('documents', /has 100000 documents/) },
  { name: 'document null', body: brokenBody((b) => { b.documents[0] = null; }), expect: invalidField('documents[0]', /got null/) },
  { name: 'document number', body: brokenBody((b) => { b.documents[0] = 7; }), expect: invalidField('documents[0]', /got number/) },
  { name: 'document array', body: brokenBody((b, d) => { b.documents[0] = [d]; }), expect: invalidField('documents[0]', /got array/) },
  { name: 'extra document field', body: brokenBody((_b, d) => { d.doc_id = 1; }), expect: invalidField('documents[0].doc_id', /not an allowed field/) },
];

const chatBotCases: BodyCase[] = [
  { name: 'chat_bot_id missing', body: brokenBody((_b, d) => { delete d.chat_bot_id; }), expect: invalidField('documents[0].chat_bot_id', /got nothing/) },
  { name: 'chat_bot_id number', body: brokenBody((_b, d) => { d.chat_bot_id = 1; }), expect: invalidField('documents[0].chat_bot_id', /got number/) },
  { name: 'chat_bot_id 129 characters', body: brokenBody((_b, d) => { d.chat_bot_id = 'b'.repeat(129); }), expect: invalidField('documents[0].chat_bot_id', /exceeds 128/) },
  ...INJECTIONS.map(([label, value]): BodyCase => (
    { name: `chat_bot_id ${label}`, body: brokenBody((_b, d) => { d.chat_bot_id = value; }), expect: invalidField('documents[0].chat_bot_id', /only ASCII letters/) })),
  { name: 'chat_bot_id with NUL', body: brokenBody((_b, d) => { d.chat_bot_id = 'bot\u0000'; }), expect: invalidField('documents[0].chat_bot_id', /NUL/) },
  { name: 'chat_bot_id with newline', body: brokenBody((_b, d) => { d.chat_bot_id = 'bot\n1'; }), expect: invalidField('documents[0].chat_bot_id') },
  { name: 'chat_bot_id with RTL override', body: brokenBody((_b, d) => { d.chat_bot_id = 'bot\u202E1'; }), expect: invalidField('documents[0].chat_bot_id') },
];

const contentNameCases: BodyCase[] = [
  { name: 'content_name missing', body: brokenBody((_b, d) => { delete d.content_name; }), expect: invalidField('documents[0].content_name', /got nothing/) },
  { name: 'content_name number', body: brokenBody((_b, d) => { d.content_name = 12; }), expect: invalidField('documents[0].content_name', /got number/) },
  { name: 'content_name array', body: brokenBody((_b, d) => { d.content_name = ['a']; }), expect: invalidField('documents[0].content_name', /got array/) },
  { name: 'content_name empty', body: brokenBody((_b, d) => { d.content_name = ''; }), expect: invalidField('documents[0].content_name', /non-empty/) },
  { name: 'content_name only whitespace', body: brokenBody((_b, d) => { d.content_name = ' \t\n\u3000'; }), expect: invalidField('documents[0].content_name', /whitespace/) },
  { name: 'content_name 2049 characters', body: brokenBody((_b, d) => { d.content_name = 'n'.repeat(2049); }), expect: invalidField('documents[0].content_name', /exceeds 2048/) },
  { name: 'content_name with NUL', body: brokenBody((_b, d) => { d.content_name = "x' OR 1=1\u0000--"; }), expect: invalidField('documents[0].content_name', /NUL/) },
  { name: 'content_name lone high surrogate', body: brokenBody((_b, d) => { d.content_name = 'x" || true\uD83D'; }), expect: invalidField('documents[0].content_name', /surrogate/) },
  { name: 'content_name lone low surrogate', body: brokenBody((_b, d) => { d.content_name = '\uDE00doc'; }), expect: invalidField('documents[0].content_name', /surrogate/) },
];

const chunkCases: BodyCase[] = [
  { name: 'chunks missing', body: brokenBody((_b, d) => { delete d.chunks; }), expect: invalidField('documents[0].chunks', /got nothing/) },
  { name: 'chunks object', body: brokenBody((_b, d) => { d.chunks = d.chunks[0]; }), expect: invalidField('documents[0].chunks', /got object/) },
  { name: 'chunks empty', body: brokenBody((_b, d) => { d.chunks = []; }), expect: invalidField('documents[0].chunks', /at least 1/) },
  { name: 'chunks over the limit', body: brokenBody((_b, d) => { d.chunks = Array.from({ length: 11 }, (_, i) => ({ chunk_index: i, text: 't' })); }),
    expect: invalidField('documents[0].chunks', /has 11 chunks; the limit is 10/) },
  { name: 'chunk null', body: brokenBody((_b, d) => { d.chunks[0] = null; }), expect: invalidField(chunk0, /got null/) },
  { name: 'chunk string', body: brokenBody((_b, d) => { d.chunks[0] = 'text'; }), expect: invalidField(chunk0, /got string/) },
  { name: 'extra chunk field', body: brokenBody((_b, d) => { d.chunks[0].embedding = [0.1, 0.2]; }), expect: invalidField(`${chunk0}.embedding`, /not an allowed field/) },
  { name: 'chunk_index missing', body: brokenBody((_b, d) => { delete d.chunks[0].chunk_index; }), expect: invalidField(`${chunk0}.chunk_index`, /got nothing/) },
  { name: 'chunk_index negative', body: brokenBody((_b, d) => { d.chunks[0].chunk_index = -1; }), expect: invalidField(`${chunk0}.chunk_index`, /got -1/) },
  { name: 'chunk_index huge negative', body: brokenBody((_b, d) => { d.chunks[0].chunk_index = -1e308; }), expect: invalidField(`${chunk0}.chunk_index`) },
  { name: 'chunk_index 2^31', body: brokenBody((_b, d) => { d.chunks[0].chunk_index = 2 ** 31; }), expect: invalidField(`${chunk0}.chunk_index`, /at most 2147483647/) },
  { name: 'chunk_index beyond 2^53', body: rawBody((json) => json.replace('"chunk_index":0', '"chunk_index":9007199254740993')), expect: invalidField(`${chunk0}.chunk_index`, /at most/) },
  { name: 'chunk_index 1e400 (Infinity once parsed)', body: rawBody((json) => json.replace('"chunk_index":0', '"chunk_index":1e400')), expect: invalidField(`${chunk0}.chunk_index`) },
  { name: 'chunk_index -1e400', body: rawBody((json) => json.replace('"chunk_index":0', '"chunk_index":-1e400')), expect: invalidField(`${chunk0}.chunk_index`) },
  { name: 'chunk_index fractional', body: brokenBody((_b, d) => { d.chunks[0].chunk_index = 0.5; }), expect: invalidField(`${chunk0}.chunk_index`, /got 0.5/) },
  { name: 'chunk_index numeric string', body: brokenBody((_b, d) => { d.chunks[0].chunk_index = '0'; }), expect: invalidField(`${chunk0}.chunk_index`, /got string/) },
  { name: 'chunk_index SQL injection', body: brokenBody((_b, d) => { d.chunks[0].chunk_index = '0; DELETE FROM document_chunks'; }), expect: invalidField(`${chunk0}.chunk_index`, /got string/) },
  { name: 'chunk_index duplicate', body: brokenBody((_b, d) => { d.chunks[1].chunk_index = 0; }), expect: invalidField('documents[0].chunks[1].chunk_index', /duplicate chunk_index 0/) },
  { name: 'text missing', body: brokenBody((_b, d) => { delete d.chunks[0].text; }), expect: invalidField(`${chunk0}.text`, /got nothing/) },
  { name: 'text number', body: brokenBody((_b, d) => { d.chunks[0].text = 5; }), expect: invalidField(`${chunk0}.text`, /got number/) },
  { name: 'text object', body: brokenBody((_b, d) => { d.chunks[0].text = { $gt: '' }; }), expect: invalidField(`${chunk0}.text`, /got object/) },
  { name: 'text empty', body: brokenBody((_b, d) => { d.chunks[0].text = ''; }), expect: invalidField(`${chunk0}.text`, /non-empty/) },
  { name: 'text only whitespace', body: brokenBody((_b, d) => { d.chunks[0].text = ' \n\t\u3000'; }), expect: invalidField(`${chunk0}.text`, /whitespace/) },
  { name: 'text over the limit', body: brokenBody((_b, d) => { d.chunks[0].text = 'a'.repeat(1001); }), expect: invalidField(`${chunk0}.text`, /exceeds 1000 characters/) },
  { name: 'text with NUL', body: brokenBody((_b, d) => { d.chunks[0].text = 'a\u0000b'; }), expect: invalidField(`${chunk0}.text`, /NUL character \(U\+0000\) at index 1/) },
  { name: 'text lone surrogate', body: brokenBody((_b, d) => { d.chunks[0].text = 'x\uDBFFy'; }), expect: invalidField(`${chunk0}.text`, /surrogate/) },
];

const metadataCases: BodyCase[] = [
  { name: 'metadata array', body: brokenBody((_b, d) => { d.metadata = [1]; }), expect: invalidField('documents[0].metadata', /got array/) },
  { name: 'metadata string', body: brokenBody((_b, d) => { d.metadata = '{"a":1}'; }), expect: invalidField('documents[0].metadata', /got string/) },
  { name: 'metadata null', body: brokenBody((_b, d) => { d.metadata = null; }), expect: invalidField('documents[0].metadata', /got null/) },
  { name: 'metadata over the limit', body: brokenBody((_b, d) => { d.metadata = { notes: 'x'.repeat(2000) }; }), expect: invalidField('documents[0].metadata', /exceeds 1024 bytes/) },
  { name: 'metadata nested 9 levels', body: brokenBody((_b, d) => { d.metadata = { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } }; }), expect: invalidField('documents[0].metadata', /deeper than 8/) },
  { name: 'metadata nested 50,000 levels', body: rawBody((json) => json.replace('"metadata":{', `"metadata":{"deep":${nested(50_000, '1')},`)),
    expect: invalidField('documents[0].metadata') },
  { name: 'metadata "__proto__" key', body: rawBody((json) => json.replace('"metadata":{', '"metadata":{"__proto__":{"admin":true},')), expect: invalidField('documents[0].metadata.__proto__', /not allowed/) },
  { name: 'metadata value with NUL', body: brokenBody((_b, d) => { d.metadata = { author: 'Kim\u0000' }; }), expect: invalidField('documents[0].metadata.author', /NUL/) },
  { name: 'metadata key with lone surrogate', body: brokenBody((_b, d) => { d.metadata = { ['k\uDC00']: 1 }; }), expect: invalidField('documents[0].metadata["k\\udc00"]', /unpaired/) },
];

const deepCases: BodyCase[] = [
  { name: 'documents nested 50,000 arrays deep', body: rawBody((json) => json.replace(/"documents":\[.*\]\}$/s, `"documents":${nested(50_000, '')}}`)),
    expect: invalidField('documents[0]', /got array/) },
  { name: 'account_name nested 30,000 objects deep', body: rawBody((json) => json.replace(/"account_name":"[^"]*"/, `"account_name":${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`)),
    expect: invalidField('account_name', /got object/) },
];

/** Only jobs take a webhook; each of these addresses is refused before anything is stored. */
export const webhookCases: BodyCase[] = [
  { name: 'webhook_url number', body: brokenBody((b) => { b.webhook_url = 1; }), expect: invalidField('webhook_url', /got number/) },
  { name: 'webhook_url not a URL', body: brokenBody((b) => { b.webhook_url = 'your-server/notify'; }), expect: invalidField('webhook_url', /absolute http\(s\) URL/) },
  { name: 'webhook_url javascript:', body: brokenBody((b) => { b.webhook_url = 'javascript:alert(1)'; }), expect: invalidField('webhook_url', /http or https/) },
  { name: 'webhook_url file:', body: brokenBody((b) => { b.webhook_url = 'file:///etc/passwd'; }), expect: invalidField('webhook_url', /http or https/) },
  { name: 'webhook_url with credentials', body: brokenBody((b) => { b.webhook_url = 'https://user:pw@example.com/'; }), expect: invalidField('webhook_url', /credentials/) },
  { name: 'webhook_url over 2048 characters', body: brokenBody((b) => { b.webhook_url = `https://example.com/${'p'.repeat(2048)}`; }), expect: invalidField('webhook_url', /exceeds 2048/) },
  { name: 'webhook_url loopback', body: brokenBody((b) => { b.webhook_url = 'http://127.0.0.1:6390/'; }), expect: apiError(400, 'invalid_webhook_url', 'webhook_url') },
  { name: 'webhook_url loopback as a decimal number', body: brokenBody((b) => { b.webhook_url = 'http://2130706433/'; }), expect: apiError(400, 'invalid_webhook_url', 'webhook_url') },
  { name: 'webhook_url IPv6 loopback', body: brokenBody((b) => { b.webhook_url = 'http://[::1]/'; }), expect: apiError(400, 'invalid_webhook_url', 'webhook_url') },
  { name: 'webhook_url cloud metadata address', body: brokenBody((b) => { b.webhook_url = 'http://169.254.169.254/latest/meta-data/'; }), expect: apiError(400, 'invalid_webhook_url', 'webhook_url') },
  { name: 'webhook_url private network', body: brokenBody((b) => { b.webhook_url = 'https://10.0.0.1/hook'; }), expect: apiError(400, 'invalid_webhook_url', 'webhook_url') },
  { name: 'webhook_url localhost', body: brokenBody((b) => { b.webhook_url = 'http://localhost:8000/job'; }), expect: apiError(400, 'invalid_webhook_url', 'webhook_url') },
];

export const sharedBodyCases: BodyCase[] = [
  ...rootCases, ...accountCases, ...documentsCases, ...chatBotCases, ...contentNameCases, ...chunkCases, ...metadataCases, ...deepCases,
];

export function bodyCasesFor(endpoint: 'POST /data/insert/batch' | 'POST /job/batch-insert', cases: BodyCase[]): HostileCase[] {
  const path = endpoint.slice('POST '.length);
  return cases.map((bodyCase) => ({ ...bodyCase, endpoint, method: 'POST', path: () => path }));
}

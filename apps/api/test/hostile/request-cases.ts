import { gzipSync } from 'node:zlib';
import { fillToBytes, MULTIBYTE_SCRIPTS } from '../../../../test/support/multibyte-text';
import { HOSTILE_LIMITS } from './body-cases';
import { apiError, goodBody, invalidField, type CaseContext, type Expected, type HostileCase } from './hostile-case';

/**
 * Everything around the body: media types, encodings, bytes that are not
 * UTF-8, headers, credentials, path ids and query parameters, on every
 * route of the app (data, jobs, stream, webhook deliveries, admin, metrics,
 * health, OpenAPI, and routes that do not exist).
 */

const NO_JOB = '00000000-0000-4000-8000-000000000000';
const goodJson = (c: CaseContext): string => JSON.stringify(goodBody(c.account));
const jsonWith = (contentType: string) => (): Record<string, string> => ({ 'Content-Type': contentType });
const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** Transport-level failures, the same for both POST endpoints. */
function transportCases(endpoint: 'POST /data/insert/batch' | 'POST /job/batch-insert'): HostileCase[] {
  const path = endpoint.slice('POST '.length);
  const bodyLimit = Number(endpoint === 'POST /job/batch-insert' ? HOSTILE_LIMITS.MAX_JOB_BODY_BYTES : HOSTILE_LIMITS.MAX_SYNC_BODY_BYTES);
  const post = (name: string, rest: Pick<HostileCase, 'body' | 'headers' | 'expect'>): HostileCase => ({
    name,
    endpoint,
    method: 'POST',
    path: () => path,
    ...rest,
  });
  const unsupported = (contentType: string): Expected =>
    apiError(415, 'unsupported_media_type', 'Content-Type', new RegExp(`got "${contentType.replace(/[+]/g, '\\+')}`));
  const malformed = apiError(400, 'malformed_json', 'JSON');
  const notUtf8 = (offset: number): Expected =>
    apiError(400, 'invalid_utf8', 'UTF-8', new RegExp(`first invalid byte at offset ${offset}`));
  return [
    post('no Content-Type', {
      headers: () => ({}),
      body: (c) => ({ raw: Buffer.from(goodJson(c)) }),
      expect: apiError(415, 'unsupported_media_type', 'Content-Type', /got no Content-Type/),
    }),
    ...[
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json-patch+json',
      'application/jsonx',
    ].map((type) =>
      post(`Content-Type ${type}`, { headers: jsonWith(type), body: (c) => ({ raw: goodJson(c) }), expect: unsupported(type) }),
    ),
    ...['latin1', 'utf-16le', 'euc-kr'].map((charset) =>
      post(`charset ${charset}`, {
        headers: jsonWith(`application/json; charset=${charset}`),
        body: (c) => ({ raw: goodJson(c) }),
        expect: apiError(415, 'unsupported_charset', 'UTF-8', new RegExp(charset)),
      }),
    ),
    post('truncated JSON', { body: (c) => ({ raw: goodJson(c).slice(0, 40) }), expect: malformed }),
    post('trailing comma', { body: (c) => ({ raw: goodJson(c).replace(/}$/, ',}') }), expect: malformed }),
    post('single-quoted JSON', { body: () => ({ raw: "{'account_name':'a'}" }), expect: malformed }),
    post('NaN literal', { body: (c) => ({ raw: goodJson(c).replace('"chunk_index":0', '"chunk_index":NaN') }), expect: malformed }),
    post('comment in JSON', { body: (c) => ({ raw: `/* hi */${goodJson(c)}` }), expect: malformed }),
    post('top-level null', { body: () => ({ raw: 'null' }), expect: malformed }),
    post('top-level string', { body: () => ({ raw: '"{\\"account_name\\":\\"a\\"}"' }), expect: malformed }),
    post('top-level number', { body: () => ({ raw: '1e400' }), expect: malformed }),
    post('empty body (parsed as {})', { body: () => ({ raw: '' }), expect: invalidField('account_name', /got nothing/) }),
    post('a stray 0xFF byte', { body: () => ({ raw: bytes('{"account_name":"', [0xff], '"}') }), expect: notUtf8(17) }),
    post('an overlong "/"', { body: () => ({ raw: bytes('{"account_name":"', [0xc0, 0xaf], '"}') }), expect: notUtf8(17) }),
    post('an encoded surrogate (CESU-8)', {
      body: () => ({ raw: bytes('{"account_name":"', [0xed, 0xa0, 0x80], '"}') }),
      expect: notUtf8(17),
    }),
    post('Korean cut in the middle of a character', {
      body: () => ({ raw: bytes('{"account_name":"', [...Buffer.from('한').subarray(0, 2)], '"}') }),
      expect: notUtf8(17),
    }),
    post('a code point above U+10FFFF', {
      body: () => ({ raw: bytes('{"account_name":"', [0xf4, 0x90, 0x80, 0x80], '"}') }),
      expect: notUtf8(17),
    }),
    // Issue 10: the limit counts bytes, not characters (the same body in characters is a third or a quarter of it).
    ...MULTIBYTE_SCRIPTS.map((script) =>
      post(`body one byte over the limit, in ${script.name}`, {
        body: (c) => ({ raw: fillToBytes((filler) => goodJson(c).replace('first paragraph', () => filler), bodyLimit + 1, script) }),
        expect: apiError(413, 'payload_too_large', `limit of ${bodyLimit} bytes`),
      }),
    ),
    post('body over the byte limit', {
      body: (c) => ({ raw: goodJson(c).replace('first paragraph', 'x'.repeat(5_000_000)) }),
      expect: apiError(413, 'payload_too_large', 'limit of 4194304 bytes'),
    }),
    post('gzip bomb (small, inflates past the limit)', {
      headers: () => ({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }),
      body: () => ({ raw: gzipSync(`{"account_name":"${' '.repeat(10_000_000)}"}`) }),
      expect: apiError(413, 'payload_too_large', 'limit of 4194304 bytes'),
    }),
    post('gzip header on a body that is not gzip', {
      headers: () => ({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }),
      body: (c) => ({ raw: goodJson(c) }),
      expect: apiError(400, 'invalid_content_encoding', 'Content-Encoding'),
    }),
    post('unknown Content-Encoding', {
      headers: () => ({ 'Content-Type': 'application/json', 'Content-Encoding': 'x-compress-9000' }),
      body: (c) => ({ raw: goodJson(c) }),
      expect: apiError(415, 'unsupported_content_encoding', 'Content-Encoding'),
    }),
  ];
}

const idempotency = (name: string, key: (c: CaseContext) => string, expect?: Expected): HostileCase => ({
  name: `Idempotency-Key ${name}`,
  endpoint: 'POST /job/batch-insert',
  method: 'POST',
  path: () => '/job/batch-insert',
  headers: (c) => ({ 'Content-Type': 'application/json', 'Idempotency-Key': key(c) }),
  body: (c) => ({ json: goodBody(c.account) }),
  expect: expect ?? apiError(400, 'invalid_idempotency_key', 'Idempotency-Key', /1 to 255 visible ASCII characters/),
});

const idempotencyCases: HostileCase[] = [
  idempotency('empty', () => ''),
  idempotency('256 characters', () => 'k'.repeat(256)),
  idempotency('with a space (SQL injection)', () => "' OR 1=1 --"),
  idempotency('with a tab', () => 'key\tone'),
  idempotency('with Latin-1 bytes', () => 'clé'),
  // 255 bytes of UTF-8 on the wire (a header string is sent as Latin-1, one byte a character): within 255 bytes, not ASCII.
  ...MULTIBYTE_SCRIPTS.map((script) =>
    idempotency(`of 255 bytes of ${script.name} in UTF-8`, () =>
      Buffer.from(
        fillToBytes((filler) => filler, 255, script),
        'utf8',
      ).toString('latin1'),
    ),
  ),
  idempotency('reused with another body', (c) => c.idempotencyKey, apiError(422, 'idempotency_key_reused', 'Idempotency-Key')),
];

/** Every route behind an API key, with the credentials it must refuse. */
export const AUTHENTICATED: Array<[endpoint: string, method: HostileCase['method'], path: (c: CaseContext) => string]> = [
  ['POST /data/insert/batch', 'POST', () => '/data/insert/batch'],
  ['POST /job/batch-insert', 'POST', () => '/job/batch-insert'],
  ['GET /job/{job_id}', 'GET', (c) => `/job/${c.jobId}`],
  ['DELETE /job/{job_id}', 'DELETE', (c) => `/job/${c.jobId}`],
  ['GET /job/{job_id}/results', 'GET', (c) => `/job/${c.jobId}/results`],
  ['GET /job/{job_id}/stream', 'GET', (c) => `/job/${c.jobId}/stream`],
  ['GET /job/{job_id}/webhook-deliveries', 'GET', (c) => `/job/${c.jobId}/webhook-deliveries`],
];

export const BAD_CREDENTIALS: Array<[name: string, headers: Record<string, string>, code: string]> = [
  ['no API key', {}, 'unauthenticated'],
  ['an unknown key', { Authorization: 'Bearer nik_not-a-real-key' }, 'invalid_api_key'],
  ['an SQL injection as the key', { 'X-API-Key': "' OR '1'='1" }, 'invalid_api_key'],
  ['a 10,000-character key', { Authorization: `Bearer ${'k'.repeat(10_000)}` }, 'invalid_api_key'],
  ['Basic instead of Bearer', { Authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` }, 'unauthenticated'],
];

const authCases: HostileCase[] = AUTHENTICATED.flatMap(([endpoint, method, path]) =>
  BAD_CREDENTIALS.map(([name, headers, code]): HostileCase => ({
    name,
    endpoint,
    method,
    path,
    auth: 'none',
    headers: () => ({ ...headers, ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) }),
    ...(method === 'POST' ? { body: (c: CaseContext) => ({ json: goodBody(c.account) }) } : {}),
    expect: apiError(401, code, 'API key'),
  })),
);

const JOB_ROUTES: Array<[endpoint: string, method: HostileCase['method'], suffix: string]> = [
  ['GET /job/{job_id}', 'GET', ''],
  ['DELETE /job/{job_id}', 'DELETE', ''],
  ['GET /job/{job_id}/results', 'GET', '/results'],
  ['GET /job/{job_id}/stream', 'GET', '/stream'],
  ['GET /job/{job_id}/webhook-deliveries', 'GET', '/webhook-deliveries'],
];

const BAD_IDS: Array<[name: string, id: (c: CaseContext) => string, expect: Expected]> = [
  ['id that is not a uuid', () => 'not-a-uuid', apiError(404, 'not_found', 'job "not-a-uuid" not found')],
  ['uuid of no job', () => NO_JOB, apiError(404, 'not_found', `job "${NO_JOB}" not found`)],
  ["another account's job", (c) => c.otherJobId, apiError(404, 'not_found', 'not found')],
  ['SQL injection as the id', () => encodeURIComponent("1' OR '1'='1"), apiError(404, 'not_found', "job \"1' OR '1'='1\" not found")],
  ['path traversal as the id', () => '..%2F..%2Fetc%2Fpasswd', apiError(404, 'not_found', 'job "../../etc/passwd" not found')],
  ['broken percent-encoding', () => '%E0%A4%A', apiError(400, 'bad_request', "Failed to decode param '%E0%A4%A'")],
  ['NUL in the id', () => '%00', apiError(404, 'not_found', 'not found')],
  ['RTL override in the id', () => encodeURIComponent('\u202Edi-boj'), apiError(404, 'not_found', 'not found')],
  ['a 5,000-character id', () => 'f'.repeat(5000), apiError(404, 'not_found', 'job "fff', /\.\.\. \(5000 characters\)/)],
];

const pathIdCases: HostileCase[] = JOB_ROUTES.flatMap(([endpoint, method, suffix]) =>
  BAD_IDS.map(([name, id, expect]): HostileCase => ({
    name,
    endpoint,
    method,
    path: (c) => `/job/${id(c)}${suffix}`,
    expect,
  })),
);

const results = (name: string, query: string, expect: Expected): HostileCase => ({
  name,
  endpoint: 'GET /job/{job_id}/results',
  method: 'GET',
  path: (c) => `/job/${c.jobId}/results?${query}`,
  expect,
});
const badLimit = invalidField('limit', /integer from 1 to 1000/);
const badCursor = invalidField('cursor', /cursor returned by a previous page/);
const badStatus = invalidField('status', /must be one of pending, succeeded/);

const queryCases: HostileCase[] = [
  results('limit 0', 'limit=0', badLimit),
  results('limit negative', 'limit=-1', badLimit),
  results('limit over 1000', 'limit=1001', badLimit),
  results('limit huge', 'limit=99999999999999999999', badLimit),
  results('limit in exponent form', 'limit=1e3', badLimit),
  results('limit fractional', 'limit=1.5', badLimit),
  results('limit not a number', 'limit=ten', badLimit),
  results('limit empty', 'limit=', badLimit),
  results('limit given twice', 'limit=1&limit=2', badLimit),
  results('limit SQL injection', `limit=${encodeURIComponent('1; DROP TABLE job_results')}`, badLimit),
  results('cursor negative', 'cursor=-1', badCursor),
  results('cursor not a number', 'cursor=abc', badCursor),
  results('cursor of 10 digits', 'cursor=9999999999', badCursor),
  results('cursor SQL injection', `cursor=${encodeURIComponent('0 OR 1=1')}`, badCursor),
  results('cursor given twice', 'cursor=1&cursor=2', badCursor),
  results('status unknown', 'status=done', badStatus),
  results('status in capitals', 'status=SUCCEEDED', badStatus),
  results('status SQL injection', `status=${encodeURIComponent("succeeded' OR '1'='1")}`, badStatus),
  results('status with NUL', 'status=succeeded%00', badStatus),
  results('status given twice', 'status=failed&status=succeeded', badStatus),
  {
    name: 'rollback neither true nor false',
    endpoint: 'DELETE /job/{job_id}',
    method: 'DELETE',
    path: (c) => `/job/${c.jobId}?rollback=maybe`,
    expect: invalidField('rollback', /one of true, 1, false, 0/),
  },
  {
    name: 'rollback given twice',
    endpoint: 'DELETE /job/{job_id}',
    method: 'DELETE',
    path: (c) => `/job/${c.jobId}?rollback=true&rollback=false`,
    expect: invalidField('rollback'),
  },
  {
    name: 'cancel a job that already ended',
    endpoint: 'DELETE /job/{job_id}',
    method: 'DELETE',
    path: (c) => `/job/${c.finishedJobId}`,
    expect: apiError(409, 'job_finished', 'cancelled'),
  },
];

const lastEventId = (name: string, value: string): HostileCase => ({
  name: `Last-Event-ID ${name}`,
  endpoint: 'GET /job/{job_id}/stream',
  method: 'GET',
  path: (c) => `/job/${c.jobId}/stream`,
  headers: () => ({ 'Last-Event-ID': value }),
  expect: apiError(400, 'invalid_last_event_id', 'Last-Event-ID'),
});

const streamCases: HostileCase[] = [
  lastEventId('not an id this API sent', 'hello'),
  lastEventId('SQL injection', "0-pending' OR '1'='1"),
  lastEventId('2,000 characters', `0-${'p'.repeat(2000)}`),
  lastEventId('negative count', '-1-pending'),
  lastEventId('unknown status', '3-exploded'),
];

/** The runner starts the app with this ADMIN_TOKEN, so the admin routes answer 401 (not 503 admin_disabled). */
export const HOSTILE_ADMIN_TOKEN = 'hostile-corpus-admin-token-0123456789';

const ADMIN_ROUTES: Array<[endpoint: string, path: string]> = [
  ['GET /admin/queues', '/admin/queues'],
  ['GET /admin/queues', '/admin/queues/api/queues'],
  ['GET /metrics', '/metrics'],
];
const BAD_ADMIN_CREDENTIALS: Array<[name: string, headers: Record<string, string>]> = [
  ['no credential', {}],
  ['a wrong bearer token', { Authorization: 'Bearer not-the-admin-token' }],
  ['an API key instead of the admin token', { 'X-API-Key': 'nik_whatever' }],
  ['Basic that is not base64', { Authorization: 'Basic %%%not-base64%%%' }],
  ['Basic without a colon', { Authorization: `Basic ${Buffer.from(HOSTILE_ADMIN_TOKEN).toString('base64')}` }],
  ['the token with one character changed', { Authorization: `Bearer ${HOSTILE_ADMIN_TOKEN.slice(0, -1)}X` }],
  ['an empty Bearer', { Authorization: 'Bearer ' }],
];

const adminCases: HostileCase[] = ADMIN_ROUTES.flatMap(([endpoint, path]) =>
  BAD_ADMIN_CREDENTIALS.map(([name, headers]): HostileCase => ({
    name: `${name} (${path})`,
    endpoint,
    method: 'GET',
    path: () => path,
    auth: 'none',
    headers: () => headers,
    expect: apiError(401, 'unauthorized', 'admin credential required'),
  })),
);

/**
 * The accounts' webhook secrets (admin): a tenant's key is not the admin
 * credential, the account in the path is an identifier, and the rotation body
 * is `{}` or `{"overlap_seconds": N}`; a caller can never choose the secret.
 */
const SECRETS_ENDPOINT = '/admin/accounts/{account_name}/webhook-secrets';
const secretsPath = (account: string): string => `/admin/accounts/${encodeURIComponent(account)}/webhook-secrets`;
const asAdmin =
  (headers: Record<string, string> = {}) =>
  (): Record<string, string> => ({ Authorization: `Bearer ${HOSTILE_ADMIN_TOKEN}`, ...headers });
const rotation = (name: string, raw: string, expected: Expected, contentType: string | null = 'application/json'): HostileCase => ({
  name,
  endpoint: `POST ${SECRETS_ENDPOINT}`,
  method: 'POST',
  path: (c) => secretsPath(c.account),
  headers: asAdmin(contentType === null ? {} : { 'Content-Type': contentType }),
  body: () => ({ raw: Buffer.from(raw) }),
  expect: expected,
});
const webhookSecretCases: HostileCase[] = [
  ...(['GET', 'POST'] as const).flatMap((method) => [
    ...BAD_ADMIN_CREDENTIALS.map(([name, headers]): HostileCase => ({
      name,
      endpoint: `${method} ${SECRETS_ENDPOINT}`,
      method,
      path: (c) => secretsPath(c.account),
      auth: 'none',
      headers: () => headers,
      ...(method === 'POST' ? { body: () => ({ raw: '{}' }) } : {}),
      expect: apiError(401, 'unauthorized', 'admin credential required'),
    })),
    {
      name: "the tenant's own API key",
      endpoint: `${method} ${SECRETS_ENDPOINT}`,
      method,
      path: (c: CaseContext) => secretsPath(c.account),
      expect: apiError(401, 'unauthorized', 'admin credential required'),
    },
    ...(
      [
        ['SQL quote break', "x' OR '1'='1"],
        ['a leading dash', '-rf'],
        ['a NUL byte', 'acct\u0000x'],
        ['a space', 'two words'],
        ['129 characters', 'a'.repeat(129)],
        ['a colon first', ':acct'],
      ] as const
    ).map(([label, account]): HostileCase => ({
      name: `account_name with ${label}`,
      endpoint: `${method} ${SECRETS_ENDPOINT}`,
      method,
      path: () => secretsPath(account),
      headers: asAdmin(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      ...(method === 'POST' ? { body: () => ({ raw: '{}' }) } : {}),
      expect: invalidField('account_name'),
    })),
  ]),
  rotation('no Content-Type', '{}', apiError(415, 'unsupported_media_type', 'Content-Type', /got no Content-Type/), null),
  rotation('Content-Type text/plain', '{}', apiError(415, 'unsupported_media_type', 'Content-Type'), 'text/plain'),
  rotation('malformed JSON', '{"overlap_seconds":', apiError(400, 'malformed_json', 'JSON')),
  rotation('an array', '[]', invalidField('body', /must be a JSON object, got array/)),
  rotation(
    'a body over 1 KiB',
    JSON.stringify({ overlap_seconds: 60, pad: 'x'.repeat(2_000) }),
    apiError(413, 'payload_too_large', 'limit of 1024 bytes'),
  ),
  rotation('the caller choosing the secret', '{"secret":"whsec_chosen_by_the_caller"}', invalidField('secret', /not an allowed field/)),
  rotation('__proto__ as a field', '{"__proto__":{"overlap_seconds":0}}', invalidField('__proto__', /not an allowed field/)),
  ...(
    [
      ['negative', '-1'],
      ['fractional', '1.5'],
      ['a string', '"60"'],
      ['over 30 days', '2592001'],
      ['1e400', '1e400'],
      ['null', 'null'],
    ] as const
  ).map(([label, value]) =>
    rotation(
      `overlap_seconds ${label}`,
      `{"overlap_seconds":${value}}`,
      invalidField('overlap_seconds', /whole number of seconds from 0 to 2592000/),
    ),
  ),
];

/** Routes that exist for another method, and routes that do not exist: 404 naming method and path (with a key; 401 without). */
const notFound = (endpoint: string, method: HostileCase['method'], path: string): HostileCase => ({
  name: `${method} ${path}`,
  endpoint,
  method,
  path: () => path,
  expect: apiError(404, 'not_found', `No route for ${method} ${path}`),
});

const routeCases: HostileCase[] = [
  notFound('GET /healthz', 'POST', '/healthz'),
  notFound('GET /healthz', 'DELETE', '/healthz'),
  notFound('GET /readyz', 'PUT', '/readyz'),
  notFound('GET /readyz', 'POST', '/readyz'),
  notFound('GET /openapi.json', 'POST', '/openapi.json'),
  notFound('GET /openapi.json', 'DELETE', '/openapi.json'),
  notFound('GET /metrics', 'POST', '/metrics'),
  notFound('POST /data/insert/batch', 'GET', '/data/insert/batch'),
  notFound('POST /data/insert/batch', 'PUT', '/data/insert/batch'),
  notFound('POST /job/batch-insert', 'PATCH', '/job/batch-insert'),
  notFound('GET /job/{job_id}', 'PUT', `/job/${NO_JOB}`),
  notFound('GET /job/{job_id}', 'PATCH', `/job/${NO_JOB}`),
  notFound('GET /job/{job_id}/results', 'POST', `/job/${NO_JOB}/results`),
  notFound('GET /job/{job_id}/webhook-deliveries', 'DELETE', `/job/${NO_JOB}/webhook-deliveries`),
  notFound('unknown route', 'GET', '/job'),
  notFound('unknown route', 'GET', '/data/insert'),
  notFound('unknown route', 'GET', '/.env'),
  notFound('unknown route', 'GET', '/wp-login.php'),
];

export const requestCases: HostileCase[] = [
  ...transportCases('POST /data/insert/batch'),
  ...transportCases('POST /job/batch-insert'),
  ...idempotencyCases,
  ...authCases,
  ...pathIdCases,
  ...queryCases,
  ...streamCases,
  ...adminCases,
  ...webhookSecretCases,
  ...routeCases,
];

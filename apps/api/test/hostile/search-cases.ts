import { badSearchBodies, goodSearchBody } from '../bad-search-bodies';
import { SEARCH_BODY_LIMIT_BYTES } from '../../src/routes/search-routes';
import { apiError, invalidField, type CaseBody, type CaseContext, type Expected, type HostileCase } from './hostile-case';
import { BAD_CREDENTIALS } from './request-cases';

/**
 * `POST /search`: every row of the validator's table (../bad-search-bodies.ts)
 * through the real app, then what the table cannot hold (bytes, media types,
 * credentials, another account). Injection strings in chat_bot_id are refused
 * by the identifier rule here; in content_names they are data, answered 200
 * with what matches them (hostile-input.int.test.ts and search.int.test.ts).
 */
const endpoint = 'POST /search';
const post = (name: string, rest: Pick<HostileCase, 'body' | 'headers' | 'expect' | 'auth'>): HostileCase => ({
  name,
  endpoint,
  method: 'POST',
  path: () => '/search',
  ...rest,
});
const json =
  (body: (c: CaseContext) => unknown) =>
  (c: CaseContext): CaseBody => ({ json: body(c) });
const raw =
  (text: (c: CaseContext) => string | Buffer) =>
  (c: CaseContext): CaseBody => ({ raw: text(c) });
const goodJson = (c: CaseContext): string => JSON.stringify(goodSearchBody(c.account));
const malformed = apiError(400, 'malformed_json', 'JSON');

const tableCases: HostileCase[] = badSearchBodies.map(([name, body, field, problem]) =>
  post(`validator table: ${name}`, { body: json((c) => body(c.account)), expect: invalidField(field, problem) }),
);

const bodyCases: HostileCase[] = [
  post('account_name of another account', {
    body: json((c) => goodSearchBody(c.otherAccount)),
    expect: apiError(403, 'account_mismatch', 'account_name'),
  }),
  post('top_k 1e400 (Infinity once parsed)', {
    body: raw((c) => goodJson(c).replace('"top_k":5', '"top_k":1e400')),
    expect: invalidField('top_k', /got Infinity/),
  }),
  post('top_k beyond 2^53', {
    body: raw((c) => goodJson(c).replace('"top_k":5', '"top_k":9007199254740993')),
    expect: invalidField('top_k', /integer from 1 to 50/),
  }),
  post('score_threshold -1e400', {
    body: raw((c) => goodJson(c).replace('"score_threshold":0.2', '"score_threshold":-1e400')),
    expect: invalidField('score_threshold', /got -Infinity/),
  }),
  post('query given twice, the second a number', {
    body: raw((c) => goodJson(c).replace(/}$/, ',"query":7}')),
    expect: invalidField('query', /got number/),
  }),
  post('own "__proto__" key', {
    body: raw((c) => goodJson(c).replace(/}$/, ',"__proto__":{"top_k":5}}')),
    expect: invalidField('__proto__', /not an allowed field/),
  }),
  post('query nested 30,000 objects deep', {
    body: raw((c) => goodJson(c).replace(/"query":"[^"]*"/, `"query":${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`)),
    expect: invalidField('query', /got object/),
  }),
  post('content_names nested 50,000 arrays deep', {
    body: raw((c) => goodJson(c).replace(/"content_names":\[[^\]]*\]/, `"content_names":${'['.repeat(50_000)}${']'.repeat(50_000)}`)),
    expect: invalidField('content_names[0]', /got array/),
  }),
];

const transportCases: HostileCase[] = [
  post('no Content-Type', {
    headers: () => ({}),
    body: raw((c) => Buffer.from(goodJson(c))),
    expect: apiError(415, 'unsupported_media_type', 'Content-Type', /got no Content-Type/),
  }),
  post('Content-Type text/plain', {
    headers: () => ({ 'Content-Type': 'text/plain' }),
    body: raw(goodJson),
    expect: apiError(415, 'unsupported_media_type', 'Content-Type'),
  }),
  post('charset euc-kr', {
    headers: () => ({ 'Content-Type': 'application/json; charset=euc-kr' }),
    body: raw(goodJson),
    expect: apiError(415, 'unsupported_charset', 'UTF-8', /euc-kr/),
  }),
  post('truncated JSON', { body: raw((c) => goodJson(c).slice(0, 30)), expect: malformed }),
  post('top-level null', { body: raw(() => 'null'), expect: malformed }),
  post('top-level string', { body: raw(() => '"how do I bake bread?"'), expect: malformed }),
  post('empty body (parsed as {})', { body: raw(() => ''), expect: invalidField('account_name', /got nothing/) }),
  post('a stray 0xFF byte in the query', {
    body: raw(() => Buffer.concat([Buffer.from('{"account_name":"a","query":"'), Buffer.from([0xff]), Buffer.from('"}')])),
    expect: apiError(400, 'invalid_utf8', 'UTF-8', /first invalid byte at offset 29/),
  }),
  post('Korean cut in the middle of a character', {
    body: raw(() => Buffer.concat([Buffer.from('{"account_name":"a","query":"'), Buffer.from('질').subarray(0, 2), Buffer.from('"}')])),
    expect: apiError(400, 'invalid_utf8', 'UTF-8', /first invalid byte at offset 29/),
  }),
  post('body one byte over the limit', {
    body: raw((c) => fillTo(goodJson(c), SEARCH_BODY_LIMIT_BYTES + 1)),
    expect: apiError(413, 'payload_too_large', `limit of ${SEARCH_BODY_LIMIT_BYTES} bytes`),
  }),
];

/** The JSON with its query padded in ASCII to exactly `bytes` bytes. */
function fillTo(json: string, bytes: number): string {
  return json.replace('how do I bake bread?', (query) => query + 'x'.repeat(bytes - Buffer.byteLength(json)));
}

const authCases: HostileCase[] = BAD_CREDENTIALS.map(([name, headers, code]) =>
  post(name, {
    auth: 'none',
    headers: () => ({ ...headers, 'Content-Type': 'application/json' }),
    body: json((c) => goodSearchBody(c.account)),
    expect: apiError(401, code, 'API key'),
  }),
);

const notFound = (method: HostileCase['method']): HostileCase => ({
  name: `${method} /search`,
  endpoint,
  method,
  path: () => '/search',
  expect: apiError(404, 'not_found', `No route for ${method} /search`) satisfies Expected,
});

export const searchCases: HostileCase[] = [
  ...tableCases,
  ...bodyCases,
  ...transportCases,
  ...authCases,
  notFound('GET'),
  notFound('PUT'),
  notFound('DELETE'),
];

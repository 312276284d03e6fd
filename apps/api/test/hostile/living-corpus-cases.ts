import { MAX_DELETE_CONTENT_NAMES } from '../../src/validation/batch-delete.dto';
import { apiError, invalidField, type CaseBody, type CaseContext, type HostileCase } from './hostile-case';
import { BAD_CREDENTIALS } from './request-cases';

/**
 * `POST /job/batch-delete` and `POST /job/{job_id}/retry`: every request
 * here is refused and creates no job (the runner checks the holdings).
 */
const DELETE = 'POST /job/batch-delete';
const RETRY = 'POST /job/{job_id}/retry';
const NO_JOB = '00000000-0000-4000-8000-000000000000';

const json =
  (body: (c: CaseContext) => unknown) =>
  (c: CaseContext): CaseBody => ({ json: body(c) });
const deleteCase = (name: string, body: (c: CaseContext) => unknown, expect: HostileCase['expect']): HostileCase => ({
  name,
  endpoint: DELETE,
  method: 'POST',
  path: () => '/job/batch-delete',
  body: json(body),
  expect,
});
const retryCase = (name: string, path: (c: CaseContext) => string, expect: HostileCase['expect']): HostileCase => ({
  name,
  endpoint: RETRY,
  method: 'POST',
  path,
  expect,
});

const deleteBodies: HostileCase[] = [
  deleteCase(
    'empty content_names (ambiguous: nothing or everything)',
    (c) => ({ account_name: c.account, content_names: [] }),
    invalidField('content_names', /at least 1/),
  ),
  deleteCase(
    'content_names not an array',
    (c) => ({ account_name: c.account, content_names: 'a' }),
    invalidField('content_names', /array/),
  ),
  deleteCase(
    'a blank content name',
    (c) => ({ account_name: c.account, content_names: ['ok', '   '] }),
    invalidField('content_names[1]', /whitespace/),
  ),
  deleteCase(
    'a content name with NUL',
    (c) => ({ account_name: c.account, content_names: ['a\u0000b'] }),
    invalidField('content_names[0]', /NUL/),
  ),
  deleteCase(
    'a content name of 2,049 Hangul',
    (c) => ({ account_name: c.account, content_names: ['가'.repeat(2049)] }),
    invalidField('content_names[0]', /exceeds 2048/),
  ),
  deleteCase(
    'a content name that is a number',
    (c) => ({ account_name: c.account, content_names: [7] }),
    invalidField('content_names[0]', /string/),
  ),
  deleteCase(
    `${(MAX_DELETE_CONTENT_NAMES + 1).toLocaleString('en')} content names`,
    (c) => ({ account_name: c.account, content_names: Array.from({ length: MAX_DELETE_CONTENT_NAMES + 1 }, (_, i) => `n${i}`) }),
    invalidField('content_names', /limit is 10000/),
  ),
  deleteCase(
    'chat_bot_id with an injection string',
    (c) => ({ account_name: c.account, chat_bot_id: '" || 1 == 1 || "' }),
    invalidField('chat_bot_id'),
  ),
  deleteCase('no account_name', () => ({ chat_bot_id: 'bot001' }), invalidField('account_name')),
  deleteCase(
    'account_name of another account',
    (c) => ({ account_name: c.otherAccount }),
    apiError(403, 'account_mismatch', 'account_name'),
  ),
  deleteCase(
    'an unknown field (documents)',
    (c) => ({ account_name: c.account, documents: [] }),
    invalidField('documents', /not an allowed field/),
  ),
  deleteCase(
    'webhook_url file:',
    (c) => ({ account_name: c.account, webhook_url: 'file:///etc/passwd' }),
    invalidField('webhook_url', /http or https/),
  ),
  deleteCase('a body that is an array', () => [], invalidField('body', /JSON object/)),
];

const deleteAuth: HostileCase[] = BAD_CREDENTIALS.map(([name, headers, code]) => ({
  name,
  endpoint: DELETE,
  method: 'POST',
  path: () => '/job/batch-delete',
  auth: 'none',
  headers: () => ({ ...headers, 'Content-Type': 'application/json' }),
  body: json((c) => ({ account_name: c.account })),
  expect: apiError(401, code, 'API key'),
}));

const retries: HostileCase[] = [
  retryCase('a job still pending', (c) => `/job/${c.jobId}/retry`, apiError(409, 'job_not_finished', 'still pending')),
  retryCase(
    'a finished job with nothing failed',
    (c) => `/job/${c.finishedJobId}/retry`,
    apiError(409, 'nothing_to_retry', 'no failed documents'),
  ),
  retryCase("another account's job", (c) => `/job/${c.otherJobId}/retry`, apiError(404, 'not_found', 'not found')),
  retryCase('id that is not a uuid', () => '/job/not-a-uuid/retry', apiError(404, 'not_found', 'job "not-a-uuid" not found')),
  retryCase('uuid of no job', () => `/job/${NO_JOB}/retry`, apiError(404, 'not_found', `job "${NO_JOB}" not found`)),
  retryCase('SQL injection as the id', () => `/job/${encodeURIComponent("1' OR '1'='1")}/retry`, apiError(404, 'not_found', 'not found')),
  ...BAD_CREDENTIALS.map(([name, headers, code]): HostileCase => ({
    name,
    endpoint: RETRY,
    method: 'POST',
    path: (c) => `/job/${c.finishedJobId}/retry`,
    auth: 'none',
    headers: () => headers,
    expect: apiError(401, code, 'API key'),
  })),
];

export const livingCorpusCases: HostileCase[] = [...deleteBodies, ...deleteAuth, ...retries];

import { DocumentErrorCode, ON_EXISTING_MODES, type DocumentAction } from '@nonstop/core';
import type { PlannedAction } from '@nonstop/storage';
import type { OpenApiDocument, OperationObject, ParameterObject, ResponseObject, SchemaObject } from './openapi-types';

/**
 * The API's contract. Response schemas are closed (`additionalProperties:
 * false`), and apps/api/test/openapi.int.test.ts validates real responses of
 * every endpoint against them: a field added to a body without being added
 * here fails that test.
 */
const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, type: [schema.type as 'string', 'null'] });
const json = (schema: SchemaObject) => ({ 'application/json': { schema } });
const dateTime: SchemaObject = { type: 'string', format: 'date-time' };
const count: SchemaObject = { type: 'integer', minimum: 0 };
const accountName: SchemaObject = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$' };

const JOB_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const RESULT_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled', 'rolled_back'];
const JOB_KINDS = ['insert', 'delete'];
const ON_EXISTING: readonly string[] = ON_EXISTING_MODES;
/** What happened to a document that succeeded (inserts: the first four; deletes: the last two). Listed once per DocumentAction, checked by the compiler. */
const RESULT_ACTIONS = Object.keys({
  inserted: true,
  replaced: true,
  unchanged: true,
  metadata_updated: true,
  deleted: true,
  not_found: true,
} satisfies Record<DocumentAction, true>);
/** What a dry run says each document would get: an action, or the failure it would have. */
const PLANNED_ACTIONS = Object.keys({
  insert: true,
  replace: true,
  skip: true,
  update_metadata: true,
  already_exists: true,
  duplicate_in_request: true,
} satisfies Record<PlannedAction | 'duplicate_in_request', true>);
const DOCUMENT_ERROR_CODES: readonly string[] = Object.values(DocumentErrorCode);

function closed(properties: Record<string, SchemaObject>, required: string[], description?: string): SchemaObject {
  return { type: 'object', ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

function error(description: string): ResponseObject {
  return { description, content: json(ref('ErrorBody')) };
}

const jobIdParameter: ParameterObject = {
  name: 'job_id',
  in: 'path',
  required: true,
  description: 'The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry.',
  schema: { type: 'string' },
};

const schemas: Record<string, SchemaObject> = {
  ErrorBody: closed(
    {
      error: closed(
        {
          code: { type: 'string', description: 'Stable machine-readable code, e.g. validation_failed, not_found, job_finished.' },
          message: { type: 'string' },
          details: {
            type: 'array',
            minItems: 1,
            description: 'Present on validation errors: one entry per bad field.',
            items: closed(
              {
                field: { type: 'string', description: 'Path of the field, e.g. documents[3].chunks[0].text.' },
                problem: { type: 'string' },
              },
              ['field', 'problem'],
            ),
          },
        },
        ['code', 'message'],
      ),
    },
    ['error'],
    'Every error answer.',
  ),

  Chunk: closed(
    {
      chunk_index: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
      text: { type: 'string', minLength: 1, description: 'Stored as given; not only whitespace, no NUL.' },
    },
    ['chunk_index', 'text'],
  ),

  Document: closed(
    {
      chat_bot_id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$' },
      content_name: {
        type: 'string',
        minLength: 1,
        maxLength: 2048,
        description: 'With chat_bot_id, the identity of the document in the account.',
      },
      chunks: { type: 'array', minItems: 1, items: ref('Chunk'), description: 'chunk_index unique within the document.' },
      metadata: { type: 'object', description: 'Any JSON object, at most MAX_METADATA_BYTES.' },
    },
    ['chat_bot_id', 'content_name', 'chunks'],
  ),

  DataInsertRequest: closed(
    {
      account_name: accountName,
      documents: { type: 'array', minItems: 1, items: ref('Document'), description: 'At most MAX_DOCUMENTS_PER_REQUEST.' },
      on_existing: ref('OnExisting'),
      dry_run: ref('DryRunFlag'),
    },
    ['account_name', 'documents'],
    'The synchronous endpoint answers with the results, so it takes no webhook_url (400 if sent).',
  ),

  BatchInsertRequest: closed(
    {
      account_name: accountName,
      documents: { type: 'array', minItems: 1, items: ref('Document'), description: 'At most MAX_DOCUMENTS_PER_JOB.' },
      webhook_url: {
        type: 'string',
        format: 'uri',
        maxLength: 2048,
        description: 'POSTed {job_id, status, progress, results} when the job ends.',
      },
      on_existing: ref('OnExisting'),
      dry_run: ref('DryRunFlag'),
    },
    ['account_name', 'documents'],
  ),

  OnExisting: {
    type: 'string',
    enum: [...ON_EXISTING],
    description:
      'What to do with a document whose (account, chat_bot_id, content_name) is stored already. ' +
      '`fail` (default): a per-document `already_exists`. `skip_unchanged`: the same chunks and metadata are `unchanged` (no embedding call), ' +
      'a metadata-only change is `metadata_updated` (no embedding call, chunk ids and vectors kept), changed chunks are `replaced`. ' +
      '`replace`: always a new version. A replace is atomic per document: readers see the old version until the new one is whole.',
  },

  DryRunFlag: {
    type: 'boolean',
    description:
      '`true`: validate and answer, with 200 and a DryRunResponse, the action each document would get; nothing is written, ' +
      'nothing embedded, no job made.',
  },

  DryRunResponse: closed(
    {
      dry_run: { const: true },
      account_name: { type: 'string' },
      on_existing: ref('OnExisting'),
      total_documents: count,
      summary: {
        type: 'object',
        description: 'How many documents would get each action.',
        properties: Object.fromEntries(PLANNED_ACTIONS.map((action) => [action, count])),
        additionalProperties: false,
      },
      results: {
        type: 'array',
        description: 'In the order of the request.',
        items: closed(
          {
            position: { type: 'integer', minimum: 0 },
            chat_bot_id: { type: 'string' },
            content_name: { type: 'string' },
            action: {
              type: 'string',
              enum: PLANNED_ACTIONS,
              description: 'insert, replace, skip, update_metadata; or the failure it would have: already_exists, duplicate_in_request.',
            },
            doc_id: { type: 'integer', description: 'The stored document it would replace, skip or update.' },
          },
          ['position', 'chat_bot_id', 'content_name', 'action'],
        ),
      },
    },
    ['dry_run', 'account_name', 'on_existing', 'total_documents', 'summary', 'results'],
    'What a job would do now; a job run later may differ if the stored documents change in between.',
  ),

  BatchDeleteRequest: closed(
    {
      account_name: accountName,
      chat_bot_id: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$',
        description: "Only this bot's documents; without content_names, the whole bot.",
      },
      content_names: {
        type: 'array',
        minItems: 1,
        maxItems: 10_000,
        items: { type: 'string', minLength: 1, maxLength: 2048 },
        description:
          'Only the documents with these names (a name given twice is deleted once). With neither field, the whole account is deleted.',
      },
      webhook_url: {
        type: 'string',
        format: 'uri',
        maxLength: 2048,
        description: 'POSTed {job_id, status, progress, results} when the job ends.',
      },
    },
    ['account_name'],
  ),

  DeleteScope: closed(
    {
      chat_bot_id: { type: 'string' },
      content_names_count: {
        ...count,
        description: "How many content names were given; the names themselves are the results' content_name.",
      },
    },
    [],
    'What the delete job was asked to delete: empty for the whole account.',
  ),

  DeleteReceipt: closed(
    {
      scope: ref('DeleteScope'),
      documents_before: count,
      chunks_before: count,
      vectors_before: count,
      documents_deleted: count,
      chunks_deleted: count,
      not_found: { ...count, description: 'Named documents that did not exist (a per-document not_found, not an error).' },
      documents_after: count,
      chunks_after: count,
      vectors_after: { ...count, description: 'Counted in Milvus at Strong consistency; 0 when the job completed.' },
      started_at: dateTime,
      finished_at: dateTime,
    },
    ['scope', 'documents_before', 'chunks_before'],
    'A delete job\'s receipt: the "before" counts from its start, the rest once it has run; all of them when it completed.',
  ),

  DataInsertResponse: closed(
    {
      job_id: {
        type: 'string',
        format: 'uuid',
        description: 'The request runs as a job of its own (origin sync); GET /job/{job_id} shows it.',
      },
      account_name: { type: 'string' },
      total_documents: count,
      success_count: count,
      failure_count: count,
      results: { type: 'array', items: ref('JobResult'), description: 'In the order of the request.' },
    },
    ['job_id', 'account_name', 'total_documents', 'success_count', 'failure_count', 'results'],
  ),

  JobCreated: closed(
    {
      job_id: { type: 'string', format: 'uuid' },
      kind: { type: 'string', enum: JOB_KINDS },
      status: { type: 'string', enum: JOB_STATUSES },
      total_documents: { ...count, description: 'For a delete job, the documents it found to delete (named or in scope) when accepted.' },
      created_at: dateTime,
      retry_of: {
        type: 'string',
        format: 'uuid',
        description: 'POST /job/{job_id}/retry: the job whose failed documents this one re-runs.',
      },
      message: { type: 'string' },
    },
    ['job_id', 'kind', 'status', 'total_documents', 'created_at', 'message'],
  ),

  JobProgress: closed(
    {
      total_documents: count,
      processed_documents: count,
      success_count: count,
      failure_count: count,
      cancelled_count: count,
      percentage: {
        type: 'number',
        minimum: 0,
        maximum: 100,
        description: 'Rounded down to one decimal: 100 only when every document is processed.',
      },
    },
    ['total_documents', 'processed_documents', 'success_count', 'failure_count', 'cancelled_count', 'percentage'],
  ),

  JobResult: closed(
    {
      position: { type: 'integer', minimum: 0, description: 'Index of the document in the request.' },
      content_name: { type: 'string' },
      chat_bot_id: { type: 'string' },
      status: { type: 'string', enum: RESULT_STATUSES },
      success: { type: 'boolean' },
      doc_id: { type: 'integer' },
      chunks_count: count,
      action: { type: 'string', enum: RESULT_ACTIONS, description: 'What happened to a document that succeeded; absent on failure.' },
      error: { type: 'string' },
      error_code: nullable({
        type: 'string',
        enum: [...DOCUMENT_ERROR_CODES, null],
        description: 'concurrent_write: another job is writing a version of the same document; retry it when that job ends.',
      }),
    },
    ['position', 'content_name', 'chat_bot_id', 'status', 'success', 'chunks_count'],
  ),

  JobStatus: closed(
    {
      job_id: { type: 'string', format: 'uuid' },
      account_name: { type: 'string' },
      kind: { type: 'string', enum: JOB_KINDS },
      status: { type: 'string', enum: JOB_STATUSES },
      progress: ref('JobProgress'),
      results: {
        type: 'array',
        items: ref('JobResult'),
        description: 'The first page (100) of per-document results; GET /job/{job_id}/results pages the rest.',
      },
      results_next_cursor: nullable({ type: 'string' }),
      timing: closed(
        {
          created_at: dateTime,
          started_at: nullable(dateTime),
          updated_at: dateTime,
          finished_at: nullable(dateTime),
          estimated_completion: nullable(dateTime),
          expires_at: dateTime,
        },
        ['created_at', 'started_at', 'updated_at', 'finished_at', 'estimated_completion', 'expires_at'],
      ),
      message: { type: 'string' },
      on_existing: { ...ref('OnExisting'), description: 'Insert jobs: the mode the job runs with.' },
      retry_of: { type: 'string', format: 'uuid', description: 'The job whose failed documents this one re-runs.' },
      receipt: ref('DeleteReceipt'),
      cancel_requested_at: dateTime,
      error: closed({ code: nullable({ type: 'string' }), message: { type: 'string' } }, ['code', 'message'], 'Why the whole job failed.'),
    },
    ['job_id', 'account_name', 'kind', 'status', 'progress', 'results', 'results_next_cursor', 'timing', 'message'],
  ),

  ResultsPage: closed(
    {
      job_id: { type: 'string', format: 'uuid' },
      results: { type: 'array', items: ref('JobResult') },
      next_cursor: nullable({ type: 'string', description: 'Pass as `cursor` for the next page; null on the last page.' }),
    },
    ['job_id', 'results', 'next_cursor'],
  ),

  JobStreamState: closed(
    {
      job_id: { type: 'string', format: 'uuid' },
      status: { type: 'string', enum: JOB_STATUSES },
      progress: ref('JobProgress'),
      updated_at: dateTime,
      cancel_requested_at: dateTime,
    },
    ['job_id', 'status', 'progress', 'updated_at'],
    'The data of every unnamed stream event; the final `end` event carries a JobStatus.',
  ),

  WebhookDeliveries: closed(
    {
      job_id: { type: 'string', format: 'uuid' },
      webhook_url: nullable({ type: 'string', description: "Where the job's end is POSTed; null when the job has no webhook." }),
      deliveries: {
        type: 'array',
        description: 'Every delivery attempt, oldest first.',
        items: closed(
          {
            attempt: { type: 'integer', minimum: 1 },
            delivery_id: nullable({
              type: 'string',
              format: 'uuid',
              description: 'The delivery_id of the signed body this attempt sent; null when nothing was sent (skipped).',
            }),
            attempted_at: dateTime,
            outcome: {
              type: 'string',
              enum: ['delivered', 'failed', 'skipped'],
              description: 'skipped: the account has no webhook secret and WEBHOOK_SECRET is not configured.',
            },
            status_code: nullable({
              type: 'integer',
              description: 'HTTP status answered; null when no answer (refused address, timeout, connection error).',
            }),
            error: nullable({ type: 'string' }),
            duration_ms: count,
          },
          ['attempt', 'delivery_id', 'attempted_at', 'outcome', 'status_code', 'error', 'duration_ms'],
        ),
      },
    },
    ['job_id', 'webhook_url', 'deliveries'],
  ),

  SearchRequest: closed(
    {
      account_name: accountName,
      query: {
        type: 'string',
        minLength: 1,
        maxLength: 2000,
        description:
          "Any language; not only whitespace, no NUL. Embedded with the model's query convention when it has one (e5: `query: `).",
      },
      top_k: { type: 'integer', minimum: 1, maximum: 50, description: 'How many results at most; default 10.' },
      chat_bot_id: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$',
        description: "Only this bot's documents.",
      },
      content_names: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: { type: 'string', minLength: 1, maxLength: 2048 },
        description: 'Only the documents with one of these names (exact match; the names are data, never expression syntax).',
      },
      score_threshold: { type: 'number', minimum: -1, maximum: 1, description: 'Drop results whose score is below it.' },
    },
    ['account_name', 'query'],
  ),

  SearchResult: closed(
    {
      content_name: { type: 'string' },
      chat_bot_id: { type: 'string' },
      doc_id: { type: 'integer' },
      chunk_index: { type: 'integer', minimum: 0 },
      text: { type: 'string', description: 'The chunk as stored in PostgreSQL.' },
      score: {
        type: 'number',
        minimum: -1,
        maximum: 1,
        description: 'COSINE similarity of the query and the chunk (the index metric); higher is closer.',
      },
      metadata: { type: 'object', description: "The document's metadata as stored." },
    },
    ['content_name', 'chat_bot_id', 'doc_id', 'chunk_index', 'text', 'score', 'metadata'],
  ),

  SearchResponse: closed(
    {
      results: {
        type: 'array',
        maxItems: 50,
        items: ref('SearchResult'),
        description: 'Best first; at most top_k; empty when nothing matches.',
      },
    },
    ['results'],
  ),

  Health: closed({ status: { const: 'ok' } }, ['status']),

  Readiness: closed(
    {
      ready: { type: 'boolean' },
      checks: {
        type: 'object',
        additionalProperties: closed({ ok: { type: 'boolean' }, error: { type: 'string' }, latency_ms: count }, ['ok', 'latency_ms']),
        description: 'One entry per dependency: redis, postgresql, milvus, embedding.',
      },
    },
    ['ready', 'checks'],
  ),
};

const badBody = {
  '400': error('Invalid body (validation_failed with details, or malformed JSON).'),
  '413': error('Body larger than the configured limit, or too many documents.'),
  '415': error('Not application/json in UTF-8.'),
  '503': error('A store is unavailable; nothing was kept.'),
};

/**
 * With API_AUTH=required (production) every operation but the health probes
 * needs an API key, and a key sees and writes only its own account.
 */
function keyed(operation: OperationObject, writesForAccount: boolean): OperationObject {
  return {
    ...operation,
    responses: {
      ...operation.responses,
      '401': error('No API key, or an unknown or revoked one (unauthenticated, invalid_api_key).'),
      ...(writesForAccount ? { '403': error('account_name is not the account of the API key (account_mismatch).') } : {}),
      '429': error(
        "The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After.",
      ),
    },
  };
}

const dataInsert: OperationObject = {
  operationId: 'insertBatchSync',
  tags: ['data'],
  summary: 'Insert a small batch synchronously',
  description:
    'The same write path as a job (duplicate check, PostgreSQL, embeddings, Milvus; fenced, rolled back on a system failure), ' +
    'run by the API itself and answered in the request, within SYNC_REQUEST_TIMEOUT_MS. A store outage is a 503 naming the store, and the request is rolled back.',
  parameters: [
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        "Retry safely after a lost answer: the same key and body answer the first request's results again (409 while it still runs); " +
        'another body is refused (422). A request that failed (503) kept nothing and frees its key.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    },
  ],
  requestBody: { required: true, content: json(ref('DataInsertRequest')) },
  responses: {
    '200': {
      description:
        'Per-document results (each success with its `action`); documents fail alone. With dry_run: true, a DryRunResponse instead.',
      content: json({ oneOf: [ref('DataInsertResponse'), ref('DryRunResponse')] }),
    },
    ...badBody,
    '400': error(
      'Invalid body (validation_failed with details, or malformed JSON), or an invalid Idempotency-Key (invalid_idempotency_key).',
    ),
    '409': error('A request with this Idempotency-Key is still running (request_in_progress).'),
    '422': error('Idempotency-Key reused with a different body (idempotency_key_reused).'),
  },
};

const search: OperationObject = {
  operationId: 'searchChunks',
  tags: ['search'],
  summary: 'The chunks of an account closest to a query',
  description: [
    "Embeds the query, searches the Milvus partition of account_name (with API keys, only the key's own account), optionally",
    'only one chat bot and some content names, and answers the top_k chunks best first, joined to PostgreSQL: text and metadata',
    'come from there, and a chunk whose document is being removed or rolled back is not answered.',
    'Consistency level Strong: a document is findable as soon as its insert answered (a finished job, a 200 from',
    "POST /data/insert/batch), at the price of waiting for Milvus' time tick (about 200 ms a search).",
  ].join(' '),
  requestBody: { required: true, content: json(ref('SearchRequest')) },
  responses: {
    '200': { description: 'The results, best first.', content: json(ref('SearchResponse')) },
    '400': error('Invalid body (validation_failed with details naming each field, or malformed JSON).'),
    '413': error('Body larger than 1 MiB.'),
    '415': error('Not application/json in UTF-8.'),
    '422': error('The embedding service refused the query (embedding_rejected).'),
    '503': error('Milvus, PostgreSQL or the embedding service is unavailable (milvus_unavailable, ...); retry later.'),
  },
};

/** What a client does with a created job's id. */
const jobLinks: ResponseObject['links'] = Object.fromEntries(
  ['getJob', 'listJobResults', 'streamJob', 'listWebhookDeliveries', 'cancelJob', 'retryJob'].map((operationId) => [
    operationId,
    { operationId, parameters: { job_id: '$response.body#/job_id' } },
  ]),
);

const jobIdempotencyKey: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Repeat a creation safely: the same key and body return the first job (200); the same key with another body is refused (422).',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

const createJob: OperationObject = {
  operationId: 'createBatchInsertJob',
  tags: ['jobs'],
  summary: 'Create a batch-insert job',
  description:
    'Stages the batch in PostgreSQL and enqueues it; a worker processes it, surviving restarts of any process. ' +
    'on_existing decides what happens to documents stored already; with dry_run: true nothing is staged and the answer (200) says what would happen.',
  parameters: [jobIdempotencyKey],
  requestBody: { required: true, content: json(ref('BatchInsertRequest')) },
  responses: {
    '202': { description: 'Job created.', content: json(ref('JobCreated')), links: jobLinks },
    '200': {
      description:
        'A job already created with this Idempotency-Key and body (JobCreated); or, with dry_run: true, the action each document would get (DryRunResponse).',
      content: json({ oneOf: [ref('JobCreated'), ref('DryRunResponse')] }),
      links: jobLinks,
    },
    ...badBody,
    '400': error(
      'Invalid body (validation_failed with details, or malformed JSON), or invalid_webhook_url: the webhook_url is not http(s), ' +
        'does not resolve, or resolves to a private, loopback, link-local or metadata address.',
    ),
    '422': error('Idempotency-Key reused with a different body (idempotency_key_reused).'),
  },
};

const createDeleteJob: OperationObject = {
  operationId: 'createBatchDeleteJob',
  tags: ['jobs'],
  summary: 'Create a batch-delete job',
  description: [
    'Deletes the named documents (content_names, of chat_bot_id when given), a whole bot (chat_bot_id alone), or the whole account (neither).',
    'The documents are listed when the job is accepted; a durable job (the same status, stream, webhook and cancel as an insert job) deletes them',
    'from PostgreSQL and Milvus, and ends completed only when neither holds anything of what it deleted. Its per-document results are',
    '`deleted` or `not_found` (a missing document is not an error); GET /job/{job_id} carries the receipt. A document an insert job activates',
    'after the delete reached it stays: the later write wins. A delete job cannot be rolled back.',
  ].join(' '),
  parameters: [jobIdempotencyKey],
  requestBody: { required: true, content: json(ref('BatchDeleteRequest')) },
  responses: {
    '202': { description: 'Job created.', content: json(ref('JobCreated')), links: jobLinks },
    '200': { description: 'A job already created with this Idempotency-Key and body.', content: json(ref('JobCreated')), links: jobLinks },
    ...badBody,
    '400': error(
      'Invalid body (validation_failed with details, or malformed JSON), an invalid Idempotency-Key, or an invalid_webhook_url.',
    ),
    '422': error('Idempotency-Key reused with a different body (idempotency_key_reused).'),
  },
};

const retryJobOperation: OperationObject = {
  operationId: 'retryJob',
  tags: ['jobs'],
  summary: 'Re-run the failed documents of a finished job',
  description:
    "A new insert job of the original's failed documents, read from its ledger (nothing is uploaded again), with the same " +
    'on_existing and webhook_url, linked by `retry_of`. No body.',
  parameters: [jobIdParameter, { ...jobIdempotencyKey, description: 'The same key for the same job returns the first retry (200).' }],
  responses: {
    '202': { description: 'Retry job created.', content: json(ref('JobCreated')), links: jobLinks },
    '200': { description: 'A retry already created with this Idempotency-Key.', content: json(ref('JobCreated')), links: jobLinks },
    '400': error('An invalid Idempotency-Key (invalid_idempotency_key).'),
    '404': error('No such job.'),
    '409': error(
      'job_not_finished: the job is still pending or processing; not_retryable: a delete job; nothing_to_retry: no document of the job failed.',
    ),
    '422': error('Idempotency-Key already used for another request (idempotency_key_reused).'),
    '503': error('PostgreSQL is unavailable; nothing was kept.'),
  },
};

const getJob: OperationObject = {
  operationId: 'getJob',
  tags: ['jobs'],
  summary: 'Status, progress and first page of results of a job',
  description:
    'The answer may be up to JOB_STATUS_CACHE_MS (default 250 ms) plus one database read old: requests for the same job ' +
    'within that window share one read. It carries an ETag; If-None-Match answers 304 when unchanged.',
  parameters: [jobIdParameter],
  responses: { '200': { description: 'The job.', content: json(ref('JobStatus')) }, '404': error('No such job.') },
};

const listResults: OperationObject = {
  operationId: 'listJobResults',
  tags: ['jobs'],
  summary: 'Per-document results, paged',
  parameters: [
    jobIdParameter,
    { name: 'cursor', in: 'query', description: 'next_cursor of the previous page.', schema: { type: 'string', pattern: '^[0-9]{1,9}$' } },
    {
      name: 'limit',
      in: 'query',
      description: 'Page size, 1 to 1000 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 1000 },
    },
    { name: 'status', in: 'query', description: 'Only results with this status.', schema: { type: 'string', enum: RESULT_STATUSES } },
  ],
  responses: {
    '200': { description: 'A page of results in request order.', content: json(ref('ResultsPage')) },
    '400': error('Bad cursor, limit or status.'),
    '404': error('No such job.'),
  },
};

const cancelJob: OperationObject = {
  operationId: 'cancelJob',
  tags: ['jobs'],
  summary: 'Cancel a job',
  description: 'The document in hand finishes; the rest are cancelled. With rollback, everything the job stored is removed too.',
  parameters: [
    jobIdParameter,
    {
      name: 'rollback',
      in: 'query',
      description: '`true` or `1`: also remove every document the job stored.',
      schema: { type: 'string', enum: ['true', '1', 'false', '0'] },
    },
  ],
  responses: {
    '200': { description: 'Cancelled; the body reports the partial success.', content: json(ref('JobStatus')) },
    '202': { description: 'Cancel requested; the worker had not stopped within the wait.', content: json(ref('JobStatus')) },
    '400': error('rollback is not one of true, 1, false, 0.'),
    '404': error('No such job.'),
    '409': error('The job already ended (job_finished), or rollback of a delete job (rollback_not_possible: what it deleted is gone).'),
  },
};

const listWebhookDeliveries: OperationObject = {
  operationId: 'listWebhookDeliveries',
  tags: ['jobs'],
  summary: 'Every webhook delivery attempt of a job',
  description: "Time, HTTP status or error, and duration of each attempt to POST the job's end to its webhook_url.",
  parameters: [jobIdParameter],
  responses: {
    '200': { description: 'The attempts, oldest first (empty until the job ends).', content: json(ref('WebhookDeliveries')) },
    '404': error('No such job.'),
  },
};

const EVENT_ID_PATTERN = '^[0-9]{1,10}-(pending|processing|completed|failed|cancelled)(-cancelling)?$';

/** One Server-Sent Event as a client parses it (OpenAPI 3.1: the schema of an event stream describes each event). */
const streamEvent: SchemaObject = closed(
  {
    event: { type: 'string', enum: ['message', 'end'], description: 'Unnamed (message) for a state, `end` for the last event.' },
    id: { type: 'string', pattern: EVENT_ID_PATTERN },
    data: { type: 'string', contentMediaType: 'application/json', description: 'JSON: a JobStreamState, or for `end` a JobStatus.' },
    retry: { type: 'integer', minimum: 0 },
  },
  [],
);

const streamJob: OperationObject = {
  operationId: 'streamJob',
  tags: ['jobs'],
  summary: 'Job progress as Server-Sent Events',
  description: [
    'Sends the current state at once, then an unnamed event (data: JobStreamState) on every progress or status change,',
    'and a final `event: end` whose data is the JobStatus body of GET /job/{job_id}; then the stream closes.',
    'Each event has an `id:` (`<processed_documents>-<status>`); reconnecting with `Last-Event-ID` resends the latest state',
    '(and `end` if the job finished meanwhile). A `: ping` comment is sent every 15 s.',
  ].join(' '),
  parameters: [
    jobIdParameter,
    {
      name: 'Last-Event-ID',
      in: 'header',
      description: 'Id of the last event received, on reconnect.',
      schema: { type: 'string', pattern: EVENT_ID_PATTERN },
    },
  ],
  responses: {
    '200': { description: 'The event stream.', content: { 'text/event-stream': { schema: streamEvent } } },
    '400': error('Last-Event-ID is not the id of an event of this stream (invalid_last_event_id).'),
    '404': error('No such job.'),
  },
};

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'Nonstop Ingest API',
    version: '0.1.0',
    description:
      'Durable batch ingestion for RAG backends: documents to PostgreSQL, embeddings to Milvus, through jobs that survive restarts. ' +
      'Poll GET /job/{job_id} with backoff (1, 2, 4, 8, then every 16 s), or use the webhook or the event stream. ' +
      'Operators: Bull Board at /admin/queues (ADMIN_TOKEN).',
  },
  tags: [
    { name: 'data', description: 'The synchronous API, for small batches.' },
    { name: 'jobs', description: 'Asynchronous, restart-proof batch jobs.' },
    { name: 'search', description: 'Reading back what was ingested.' },
    { name: 'health', description: 'Probes for orchestrators.' },
  ],
  paths: {
    '/data/insert/batch': { post: keyed(dataInsert, true) },
    '/job/batch-insert': { post: keyed(createJob, true) },
    '/job/batch-delete': { post: keyed(createDeleteJob, true) },
    '/job/{job_id}/retry': { post: keyed(retryJobOperation, false) },
    '/job/{job_id}': { get: keyed(getJob, false), delete: keyed(cancelJob, false) },
    '/job/{job_id}/results': { get: keyed(listResults, false) },
    '/job/{job_id}/stream': { get: keyed(streamJob, false) },
    '/job/{job_id}/webhook-deliveries': { get: keyed(listWebhookDeliveries, false) },
    '/search': { post: keyed(search, true) },
    '/healthz': {
      get: {
        operationId: 'health',
        tags: ['health'],
        summary: 'The process is up',
        security: [],
        responses: { '200': { description: 'Up.', content: json(ref('Health')) } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readiness',
        tags: ['health'],
        summary: 'Every dependency answers',
        security: [],
        responses: {
          '200': { description: 'Ready.', content: json(ref('Readiness')) },
          '503': { description: 'Some dependency does not answer; each is named.', content: json(ref('Readiness')) },
        },
      },
    },
  },
  security: [{ apiKeyBearer: [] }, { apiKeyHeader: [] }],
  components: {
    schemas,
    securitySchemes: {
      apiKeyBearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'An API key (`npm run keys -- create --account NAME`); required when API_AUTH=required.',
      },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key, in its own header.' },
    },
  },
};

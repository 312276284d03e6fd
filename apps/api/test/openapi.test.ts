import { DocumentErrorCode, ON_EXISTING_MODES } from '@nonstop/core';
import { openApiDocument } from '../src/openapi/openapi-document';
import type { HttpMethod } from '../src/openapi/openapi-types';
import type { JobRow, WebhookDeliveryRow } from '@nonstop/storage';
import { webhookDeliveriesView } from '../src/jobs/job-webhooks';
import { OpenApiValidator } from './openapi-schema';

const JOB_ID = '8a6e0804-2bd0-4672-b79d-d97027f9071a';

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 whose schemas all compile as JSON Schema 2020-12 (strict)', () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    expect(() => new OpenApiValidator(openApiDocument).compileAll()).not.toThrow();
  });

  it('documents every endpoint, with unique operation ids and the error body on every 4xx/5xx', () => {
    const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      (Object.keys(item) as HttpMethod[]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, operation: item[method]! })),
    );
    expect(operations.map((o) => o.key).sort()).toEqual([
      'DELETE /job/{job_id}',
      'GET /healthz',
      'GET /job/{job_id}',
      'GET /job/{job_id}/results',
      'GET /job/{job_id}/stream',
      'GET /job/{job_id}/webhook-deliveries',
      'GET /readyz',
      'POST /data/insert/batch',
      'POST /job/batch-delete',
      'POST /job/batch-insert',
      'POST /job/{job_id}/retry',
      'POST /search',
    ]);
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && key !== 'GET /readyz') {
          expect({ key, status, schema: response.content?.['application/json']?.schema }).toEqual({
            key,
            status,
            schema: { $ref: '#/components/schemas/ErrorBody' },
          });
        }
      }
    }
    for (const path of ['/job/batch-insert', '/job/batch-delete', '/job/{job_id}/retry']) {
      const idempotencyKey = openApiDocument.paths[path]!.post!.parameters!.find((p) => p.name === 'Idempotency-Key');
      expect(idempotencyKey).toMatchObject({ in: 'header', required: false });
    }
  });

  it('names every on_existing mode, per-document action and error code the code has (one source: @nonstop/core)', () => {
    const { schemas } = openApiDocument.components;
    expect(schemas.OnExisting!.enum).toEqual([...ON_EXISTING_MODES]);
    const result = schemas.JobResult!.properties!;
    expect(result.error_code!.enum).toEqual([...Object.values(DocumentErrorCode), null]);
    expect(result.error_code!.enum).toContain('concurrent_write');
    expect(result.action!.enum).toEqual(['inserted', 'replaced', 'unchanged', 'metadata_updated', 'deleted', 'not_found']);
    const planned = schemas.DryRunResponse!.properties!.results!.items!.properties!.action!.enum;
    expect(planned).toEqual(['insert', 'replace', 'skip', 'update_metadata', 'already_exists', 'duplicate_in_request']);
    expect(openApiDocument.paths['/job/{job_id}/retry']!.post!.responses['409']!.description).toEqual(
      expect.stringMatching(/job_not_finished.*not_retryable.*nothing_to_retry/),
    );
    expect(openApiDocument.paths['/job/{job_id}']!.delete!.responses['409']!.description).toContain('rollback_not_possible');
  });

  it('validates a dry run answer and a delete receipt, and refuses an unknown action', () => {
    const validator = new OpenApiValidator(openApiDocument);
    const dryRun = { $ref: '#/components/schemas/DryRunResponse' };
    const answer = {
      dry_run: true,
      account_name: 'a',
      on_existing: 'skip_unchanged',
      total_documents: 2,
      summary: { skip: 1, insert: 1 },
      results: [
        { position: 0, chat_bot_id: 'b', content_name: 'x', action: 'skip', doc_id: 7 },
        { position: 1, chat_bot_id: 'b', content_name: 'y', action: 'insert' },
      ],
    };
    expect(validator.errors(dryRun, answer)).toEqual([]);
    expect(validator.errors(dryRun, { ...answer, results: [{ ...answer.results[1], action: 'upsert' }] })).not.toEqual([]);
    expect(validator.errors(dryRun, { ...answer, summary: { upsert: 1 } })).not.toEqual([]);
    const receipt = { $ref: '#/components/schemas/DeleteReceipt' };
    expect(validator.errors(receipt, { scope: { chat_bot_id: 'b' }, documents_before: 2, chunks_before: 4 })).toEqual([]);
    expect(validator.errors(receipt, { scope: {}, documents_before: 2 })).not.toEqual([]);
  });

  it('accepts the error body with details and refuses one with an unknown field', () => {
    const validator = new OpenApiValidator(openApiDocument);
    const schema = { $ref: '#/components/schemas/ErrorBody' };
    expect(
      validator.errors(schema, { error: { code: 'validation_failed', message: 'm', details: [{ field: 'documents', problem: 'p' }] } }),
    ).toEqual([]);
    expect(validator.errors(schema, { error: { code: 'x', message: 'm', extra: 1 } })).not.toEqual([]);
    expect(validator.errors(schema, { error: { code: 'x' } })).not.toEqual([]);
  });

  it('documents the webhook attempts as the API answers them, with the delivery id sent (null when skipped)', () => {
    const validator = new OpenApiValidator(openApiDocument);
    const attempt = (overrides: Partial<WebhookDeliveryRow>): WebhookDeliveryRow => ({
      id: '1',
      job_id: JOB_ID,
      attempt: 1,
      delivery_id: '5d1b7b2e-94b4-4a43-9a55-0f4d6f0e7c11',
      attempted_at: new Date(),
      outcome: 'delivered',
      status_code: 200,
      error: null,
      duration_ms: 12,
      ...overrides,
    });
    const view = webhookDeliveriesView({ id: JOB_ID, webhook_url: 'https://hooks.example.com/x' } as JobRow, [
      attempt({}),
      attempt({ attempt: 2, delivery_id: null, outcome: 'skipped', status_code: null, error: 'no webhook secret for the account' }),
    ]);
    expect(validator.errors({ $ref: '#/components/schemas/WebhookDeliveries' }, view)).toEqual([]);
  });
});

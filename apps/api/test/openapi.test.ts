import { openApiDocument } from '../src/openapi/openapi-document';
import type { HttpMethod } from '../src/openapi/openapi-types';
import { OpenApiValidator } from './openapi-schema';

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 whose schemas all compile as JSON Schema 2020-12 (strict)', () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    expect(() => new OpenApiValidator(openApiDocument).compileAll()).not.toThrow();
  });

  it('documents every endpoint, with unique operation ids and the error body on every 4xx/5xx', () => {
    const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      (Object.keys(item) as HttpMethod[]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, operation: item[method]! })));
    expect(operations.map((o) => o.key).sort()).toEqual([
      'DELETE /job/{job_id}', 'GET /healthz', 'GET /job/{job_id}', 'GET /job/{job_id}/results', 'GET /job/{job_id}/stream', 'GET /job/{job_id}/webhook-deliveries',
      'GET /readyz', 'POST /data/insert/batch', 'POST /job/batch-insert', 'POST /search',
    ]);
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && key !== 'GET /readyz') {
          expect({ key, status, schema: response.content?.['application/json']?.schema }).toEqual({ key, status, schema: { $ref: '#/components/schemas/ErrorBody' } });
        }
      }
    }
    const idempotencyKey = openApiDocument.paths['/job/batch-insert']!.post!.parameters!.find((p) => p.name === 'Idempotency-Key');
    expect(idempotencyKey).toMatchObject({ in: 'header', required: false });
  });

  it('accepts the error body with details and refuses one with an unknown field', () => {
    const validator = new OpenApiValidator(openApiDocument);
    const schema = { $ref: '#/components/schemas/ErrorBody' };
    expect(validator.errors(schema, { error: { code: 'validation_failed', message: 'm', details: [{ field: 'documents', problem: 'p' }] } })).toEqual([]);
    expect(validator.errors(schema, { error: { code: 'x', message: 'm', extra: 1 } })).not.toEqual([]);
    expect(validator.errors(schema, { error: { code: 'x' } })).not.toEqual([]);
  });
});

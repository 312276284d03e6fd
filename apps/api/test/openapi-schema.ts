import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { HttpMethod, OpenApiDocument, SchemaObject } from '../src/openapi/openapi-types';

const BASE = 'urn:nonstop-ingest:openapi';

/**
 * Validates bodies against the OpenAPI document's own schemas with a JSON
 * Schema 2020-12 validator. The components become `$defs` of one schema so
 * that their `#/components/schemas/...` references resolve.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(rewriteRefs({ $id: BASE, $defs: document.components.schemas }) as object);
  }

  /** The schema of one documented response, or a reason why there is none. */
  responseSchema(method: HttpMethod, path: string, status: number, mediaType: string): SchemaObject | string {
    const operation = this.document.paths[path]?.[method];
    if (!operation) return `${method.toUpperCase()} ${path} is not documented`;
    const response = operation.responses[String(status)];
    if (!response) return `${method.toUpperCase()} ${path} does not document status ${status}`;
    const media = response.content?.[mediaType];
    if (!media) return `${method.toUpperCase()} ${path} ${status} does not document ${mediaType}`;
    return media.schema;
  }

  /** Validation errors of `body` against `schema` (empty when it conforms). */
  errors(schema: SchemaObject, body: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as object);
      this.compiled.set(key, validate);
    }
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Compiles every component schema (fails on an invalid or strict-mode-unknown keyword). */
  compileAll(): void {
    for (const name of Object.keys(this.document.components.schemas)) this.errors({ $ref: `#/components/schemas/${name}` }, null);
  }
}

function rewriteRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${BASE}#/$defs/`));
}

import type { components } from './generated/openapi-types';

/**
 * The HTTP contract's shapes on the server side: the component schemas of the
 * OpenAPI document (apps/api/src/openapi/openapi-document.ts), as
 * `npm run generate:api-types` writes them to ./generated/openapi-types.ts.
 * The SDK aliases the same generated types, so the document, the server's
 * bodies and the SDK cannot drift apart.
 */
export type ApiSchemas = components['schemas'];

/** One schema by name, e.g. `ApiSchema<'JobStatus'>`, the body of GET /job/{id}. */
export type ApiSchema<Name extends keyof ApiSchemas> = ApiSchemas[Name];

/**
 * `Value` with every key the schema lacks, at any depth, typed `never`.
 * TypeScript's excess-property check covers the properties written in an
 * object literal, not those spread into it (`...(cond ? { field } : {})`),
 * nor those of a value of another named type; this covers both.
 */
export type OnlySchemaKeys<Schema, Value> = unknown extends Schema
  ? Value
  : Value extends readonly (infer Item)[]
    ? NonNullable<Schema> extends readonly (infer SchemaItem)[]
      ? readonly OnlySchemaKeys<SchemaItem, Item>[]
      : Value
    : Value extends object
      ? { [Key in keyof Value]: Key extends keyof NonNullable<Schema> ? OnlySchemaKeys<NonNullable<Schema>[Key], Value[Key]> : never }
      : Value;

/**
 * A response body checked at compile time against its OpenAPI schema: every
 * required field present with the schema's type, and no field the schema
 * lacks (the schemas are closed, so such a field would also fail the
 * contract test at run time; this fails `npm run typecheck` first). Returns
 * `body` unchanged.
 */
export function apiBody<Name extends keyof ApiSchemas, Body extends ApiSchemas[Name]>(
  _schema: Name,
  body: Body & OnlySchemaKeys<ApiSchemas[Name], Body>,
): ApiSchemas[Name] {
  return body;
}

/**
 * The parts of OpenAPI 3.1 this API uses. Schema objects are JSON Schema
 * 2020-12, so the same objects validate real responses in the tests.
 */
export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export interface SchemaObject {
  $ref?: string;
  type?: JsonType | JsonType[];
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  enum?: Array<string | number | boolean | null>;
  const?: string | number | boolean | null;
  format?: 'uuid' | 'date-time' | 'uri';
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  contentMediaType?: string;
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  examples?: unknown[];
}

export interface MediaTypeObject {
  schema: SchemaObject;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: SchemaObject }>;
  content?: Record<string, MediaTypeObject>;
  /** Operations a client can call next with values of this response (schemathesis' stateful phase follows them). */
  links?: Record<string, { operationId: string; parameters: Record<string, string>; description?: string }>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description: string;
  schema: SchemaObject;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
  /** Overrides the document's `security`; `[]` for an operation open to all. */
  security?: SecurityRequirement[];
}

export type SecurityRequirement = Record<string, string[]>;

export type SecuritySchemeObject =
  { type: 'http'; scheme: 'bearer'; description: string } | { type: 'apiKey'; in: 'header'; name: string; description: string };

export type HttpMethod = 'get' | 'post' | 'delete';

export type PathItemObject = Partial<Record<HttpMethod, OperationObject>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect?: string;
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, PathItemObject>;
  security?: SecurityRequirement[];
  components: { schemas: Record<string, SchemaObject>; securitySchemes?: Record<string, SecuritySchemeObject> };
}

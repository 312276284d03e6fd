import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenApiDocument } from '../../apps/api/src/openapi/openapi-types';

/**
 * Where the TypeScript types of the HTTP contract are written: the SDK's own
 * copy (it is published alone and may import nothing of the server) and the
 * server's copy in packages/core (the API and the pipeline's result view may
 * import core, not the SDK). Both are generated from the same document, so
 * they are the same text.
 */
export const API_TYPE_FILES = ['packages/sdk/src/generated/openapi-types.ts', 'packages/core/src/generated/openapi-types.ts'];

const HEADER = [
  '/**',
  ' * Generated from apps/api/src/openapi/openapi-document.ts by openapi-typescript: do not edit.',
  ' * Regenerate with `npm run generate:api-types`; `npm test` fails while this file is stale.',
  ' */',
  '',
].join('\n');

/** The TypeScript of the document's paths, operations and component schemas, as written to API_TYPE_FILES. */
export async function apiTypesSource(document: OpenApiDocument): Promise<string> {
  // A plain JSON copy: the document object is shared with the running app, and openapi-typescript annotates what it reads.
  const ast = await openapiTS(JSON.parse(JSON.stringify(document)) as Parameters<typeof openapiTS>[0], { alphabetize: false });
  return HEADER + astToString(ast);
}

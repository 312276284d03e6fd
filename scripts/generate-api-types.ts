/**
 * `npm run generate:api-types`: writes the TypeScript types of the OpenAPI
 * document (apps/api/src/openapi/openapi-document.ts, the one hand-written
 * source of the wire contract) to the SDK and to packages/core.
 * `--check` (run by `npm test`) writes nothing and fails if a committed file
 * differs from what the document generates now.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openApiDocument } from '../apps/api/src/openapi/openapi-document';
import { API_TYPE_FILES, apiTypesSource } from './lib/api-types';

const root = path.join(__dirname, '..');

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function main(): Promise<number> {
  const { check } = parseArgs({ options: { check: { type: 'boolean' } } }).values;
  const source = await apiTypesSource(openApiDocument);
  const stale = API_TYPE_FILES.filter((file) => readOrEmpty(path.join(root, file)) !== source);
  if (check) {
    for (const file of stale)
      console.error(`check:api-types: ${file} is not what the OpenAPI document generates: run npm run generate:api-types`);
    if (stale.length === 0) console.log(`check:api-types: ${API_TYPE_FILES.join(' and ')} match the OpenAPI document`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const file of stale) writeFileSync(path.join(root, file), source);
  console.log(stale.length === 0 ? 'generate:api-types: up to date' : `generate:api-types: wrote ${stale.join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);

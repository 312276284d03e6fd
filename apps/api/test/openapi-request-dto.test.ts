import { getMetadataStorage } from 'class-validator';
import { openApiDocument } from '../src/openapi/openapi-document';
import type { HttpMethod } from '../src/openapi/openapi-types';
import { BatchDeleteDto } from '../src/validation/batch-delete.dto';
import { BatchInsertDto, ChunkDto, DocumentDto } from '../src/validation/batch-insert.dto';
import type { DtoClass } from '../src/validation/dto-check';
import { declaredRules } from '../src/validation/rule-decorator';
import { SearchDto } from '../src/validation/search.dto';

/**
 * The request side of "one source for the API's shapes": each request schema
 * of the OpenAPI document against the class-validator DTO that validates it.
 * The DTOs refuse unknown fields (forbidNonWhitelisted), so a field in one
 * and not the other is either documented but refused, or accepted but
 * undocumented; both fail here.
 */
const DTO_OF_SCHEMA: Record<string, { dto: DtoClass; without?: string[] }> = {
  BatchInsertRequest: { dto: BatchInsertDto },
  // The same DTO; data-routes.ts refuses webhook_url (a synchronous answer carries the results).
  DataInsertRequest: { dto: BatchInsertDto, without: ['webhook_url'] },
  Document: { dto: DocumentDto },
  Chunk: { dto: ChunkDto },
  BatchDeleteRequest: { dto: BatchDeleteDto },
  SearchRequest: { dto: SearchDto },
};

const { schemas } = openApiDocument.components;

/** The properties class-validator validates on the DTO (what its whitelist accepts). */
function validatedProperties(dto: DtoClass): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))].sort();
}

/** A property is required when its rule refuses `undefined` (optional() rules accept it). */
function requiredProperties(dto: DtoClass): string[] {
  return [...declaredRules(dto)]
    .filter(([, rule]) => rule(undefined) !== undefined)
    .map(([name]) => name)
    .sort();
}

function refName(schema: { $ref?: string } | undefined): string | undefined {
  return schema?.$ref?.replace('#/components/schemas/', '');
}

describe('request DTOs and the OpenAPI request schemas', () => {
  it.each(Object.entries(DTO_OF_SCHEMA))("%s has exactly the DTO's fields, required alike", (name, { dto, without = [] }) => {
    const schema = schemas[name]!;
    const dtoFields = validatedProperties(dto).filter((field) => !without.includes(field));
    const dtoRequired = requiredProperties(dto).filter((field) => !without.includes(field));
    const schemaFields = Object.keys(schema.properties ?? {});
    const schemaRequired = schema.required ?? [];
    expect({
      name,
      inDtoNotInOpenApi: dtoFields.filter((field) => !schemaFields.includes(field)),
      inOpenApiNotInDto: schemaFields.filter((field) => !dtoFields.includes(field)),
      requiredInDtoOnly: dtoRequired.filter((field) => !schemaRequired.includes(field)),
      requiredInOpenApiOnly: schemaRequired.filter((field) => !dtoRequired.includes(field)),
    }).toEqual({ name, inDtoNotInOpenApi: [], inOpenApiNotInDto: [], requiredInDtoOnly: [], requiredInOpenApiOnly: [] });
    expect(schema.additionalProperties).toBe(false);
  });

  it('pairs every request body of the document (and the schemas nested in them) with a DTO', () => {
    const bodies = Object.values(openApiDocument.paths)
      .flatMap((item) =>
        (Object.keys(item) as HttpMethod[]).map((method) => refName(item[method]!.requestBody?.content['application/json']?.schema)),
      )
      .filter((name): name is string => name !== undefined);
    const nested = ['BatchInsertRequest', 'DataInsertRequest', 'Document'].flatMap((name) =>
      Object.values(schemas[name]!.properties ?? {}).map((property) => refName(property.items)),
    );
    const needed = [...new Set([...bodies, ...nested.filter((name): name is string => name !== undefined)])].sort();
    expect(needed).toEqual(
      expect.arrayContaining(['BatchDeleteRequest', 'BatchInsertRequest', 'Chunk', 'DataInsertRequest', 'Document', 'SearchRequest']),
    );
    expect(Object.keys(DTO_OF_SCHEMA).sort()).toEqual(needed);
  });
});

import { DataType } from '@zilliz/milvus2-sdk-node';
import { chunkCollectionFields, describeSignature, parseSignature, type EmbeddingSignature } from '../src/milvus/collection-schema';

describe('embedding signature', () => {
  it.each<EmbeddingSignature>([
    { embedding_model: 'Xenova/multilingual-e5-small', dimension: 384 },
    { embedding_model: 'text-embedding-3-large', dimension: 3072 },
    { embedding_model: 'model "with" quotes\\ and 한국어', dimension: 1 },
  ])('round trips %j', (signature) => {
    const description = describeSignature(signature);
    expect(typeof description).toBe('string');
    expect(parseSignature(description)).toEqual(signature);
  });

  it('keeps only the signature fields', () => {
    expect(parseSignature('{"embedding_model":"m","dimension":8,"extra":true}')).toEqual({ embedding_model: 'm', dimension: 8 });
  });

  it.each([
    '',
    'PostgreSQL document_chunks',
    '{',
    'null',
    '42',
    '"a string"',
    '[]',
    '{}',
    '{"embedding_model":"m"}',
    '{"dimension":384}',
    '{"embedding_model":"m","dimension":"384"}',
    '{"embedding_model":384,"dimension":384}',
    '{"embedding_model":null,"dimension":384}',
  ])('parseSignature(%j) is undefined', (junk) => {
    expect(parseSignature(junk)).toBeUndefined();
  });
});

describe('chunkCollectionFields', () => {
  it('has an int64 primary key, the account as partition key and a vector of the given dimension', () => {
    const fields = chunkCollectionFields(384);
    const byName = new Map(fields.map((field) => [field.name, field]));
    expect(fields.filter((field) => field.is_primary_key).map((field) => field.name)).toEqual(['chunk_id']);
    expect(byName.get('chunk_id')).toMatchObject({ data_type: DataType.Int64, autoID: false });
    expect(fields.filter((field) => field.is_partition_key).map((field) => field.name)).toEqual(['account_name']);
    expect(byName.get('embedding')).toMatchObject({ data_type: DataType.FloatVector, dim: 384 });
    expect(chunkCollectionFields(1024).find((field) => field.name === 'embedding')?.dim).toBe(1024);
  });
});

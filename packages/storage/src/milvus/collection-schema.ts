import { DataType, type FieldType } from '@zilliz/milvus2-sdk-node';

/** What the collection records about the model whose vectors it holds. */
export interface EmbeddingSignature {
  embedding_model: string;
  dimension: number;
}

export function chunkCollectionFields(dimension: number): FieldType[] {
  return [
    { name: 'chunk_id', data_type: DataType.Int64, is_primary_key: true, autoID: false, description: 'PostgreSQL document_chunks.id' },
    // The account is the partition key: tenants are isolated and searched per partition.
    { name: 'account_name', data_type: DataType.VarChar, max_length: 512, is_partition_key: true },
    { name: 'chat_bot_id', data_type: DataType.VarChar, max_length: 512 },
    { name: 'document_id', data_type: DataType.Int64 },
    { name: 'job_id', data_type: DataType.VarChar, max_length: 64 },
    { name: 'chunk_index', data_type: DataType.Int64 },
    { name: 'embedding', data_type: DataType.FloatVector, dim: dimension },
  ];
}

export function describeSignature(signature: EmbeddingSignature): string {
  return JSON.stringify(signature);
}

export function parseSignature(description: string): EmbeddingSignature | undefined {
  try {
    const parsed = JSON.parse(description) as Partial<EmbeddingSignature>;
    return typeof parsed.embedding_model === 'string' && typeof parsed.dimension === 'number'
      ? { embedding_model: parsed.embedding_model, dimension: parsed.dimension }
      : undefined;
  } catch {
    return undefined;
  }
}

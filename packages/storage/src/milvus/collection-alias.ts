import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { expectSuccess } from './milvus-calls';
import { parseSignature, type EmbeddingSignature } from './collection-schema';

/**
 * What a collection name (MILVUS_COLLECTION) is in Milvus: an alias over a
 * physical collection (the layout blue/green re-embedding needs), a physical
 * collection addressed directly (deployments made before aliases), or nothing.
 */
export type CollectionName =
  { kind: 'missing' } | { kind: 'alias' | 'collection'; physical: string; signature: EmbeddingSignature | undefined };

/**
 * Resolves a name. Milvus 2.3 has no DescribeAlias: describing an alias
 * answers with the alias's own name but the target's id and description, so
 * the physical name is found by that id among the collections.
 */
export async function resolveCollectionName(client: MilvusClient, name: string): Promise<CollectionName> {
  const exists = await client.hasCollection({ collection_name: name });
  expectSuccess(exists.status, 'the collection check');
  if (exists.value !== true) return { kind: 'missing' };
  const described = await client.describeCollection({ collection_name: name });
  expectSuccess(described.status, 'the collection description');
  const signature = parseSignature(described.schema?.description ?? '');
  const shown = await client.showCollections();
  expectSuccess(shown.status, 'the collection list');
  if (shown.data.some((collection) => collection.name === name)) return { kind: 'collection', physical: name, signature };
  const target = shown.data.find((collection) => String(collection.id) === String(described.collectionID));
  if (!target) throw new Error(`Milvus alias "${name}" points at collection id ${described.collectionID}, which no collection has`);
  return { kind: 'alias', physical: target.name, signature };
}

/** `all-MiniLM-L6-v2` → `all_minilm_l6_v2`: the model part of a physical collection's name. */
export function modelTag(model: string): string {
  const tag = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48);
  return tag === '' ? 'model' : tag;
}

/**
 * `<alias>_<model tag>_v<n>`, the first n from 1 that no collection or alias
 * uses (a model re-embedded twice, e.g. after a rollback, gets v2).
 */
export async function nextPhysicalName(client: MilvusClient, alias: string, model: string): Promise<string> {
  for (let version = 1; ; version += 1) {
    const name = `${alias}_${modelTag(model)}_v${version}`;
    const taken = await client.hasCollection({ collection_name: name });
    expectSuccess(taken.status, 'the collection check');
    if (taken.value !== true) return name;
  }
}

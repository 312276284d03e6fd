/**
 * Removes what `npm run fuzz` made for its API: the fuzz database and Milvus
 * collection named by DATABASE_URL and MILVUS_COLLECTION. Refuses any other
 * names, so a wrong environment cannot drop real data.
 */
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Client } from 'pg';

async function main(): Promise<void> {
  const database = new URL(process.env.DATABASE_URL ?? '');
  const databaseName = database.pathname.slice(1);
  const collection = process.env.MILVUS_COLLECTION ?? '';
  if (!databaseName.endsWith('_fuzz') || !collection.startsWith('fuzz_')) {
    throw new Error(`refusing to drop ${databaseName} / ${collection}: not fuzz stores`);
  }
  const admin = new Client({ connectionString: Object.assign(new URL(database), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const milvus = new MilvusClient({ address: process.env.MILVUS_ADDRESS ?? '127.0.0.1:19530', logLevel: 'error' });
  try {
    if ((await milvus.hasCollection({ collection_name: collection })).value) await milvus.dropCollection({ collection_name: collection });
  } finally {
    milvus.closeConnection();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run keys -- create --account chatty` prints a new key once;
 * `npm run keys -- list [--account chatty]`; `npm run keys -- revoke <id>`.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@nonstop/core';
import { createPool, migrate, PgApiKeyStore } from '@nonstop/storage';

const USAGE = 'usage: npm run keys -- create --account NAME | list [--account NAME] | revoke ID';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { account: { type: 'string' } } });
  const [command, id] = positionals;
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, { max: 1, applicationName: 'nonstop-keys' });
  const keys = new PgApiKeyStore(pool);
  try {
    if (command === 'create' && values.account) {
      const created = await keys.create(values.account);
      console.log(`key ${created.id} for account ${values.account} (shown once, store it now):\n${created.key}`);
      return 0;
    }
    if (command === 'list') {
      for (const key of await keys.list(values.account)) {
        console.log([key.id, key.account_name, `${key.key_prefix}…`, key.created_at.toISOString(),
          key.revoked_at ? `revoked ${key.revoked_at.toISOString()}` : 'active'].join('\t'));
      }
      return 0;
    }
    if (command === 'revoke' && id) {
      const revoked = await keys.revoke(id);
      console.log(revoked ? `revoked ${id}` : `no active key ${id}`);
      return revoked ? 0 : 1;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await pool.end();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

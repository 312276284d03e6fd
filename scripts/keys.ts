/**
 * `npm run keys -- create --account chatty` prints a new key once (and, for an
 * account without one, its webhook signing secret);
 * `npm run keys -- list [--account chatty]`; `npm run keys -- revoke <id>`;
 * `npm run keys -- webhook-secrets [--account chatty]` lists webhook secrets (never their values);
 * `npm run keys -- rotate-webhook-secret --account chatty [--overlap-hours 24]` prints a new one once.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@nonstop/core';
import {
  createPool,
  DEFAULT_WEBHOOK_SECRET_OVERLAP_SECONDS,
  MAX_WEBHOOK_SECRET_OVERLAP_SECONDS,
  migrate,
  PgApiKeyStore,
  PgWebhookSecretStore,
} from '@nonstop/storage';

const USAGE =
  'usage: npm run keys -- create --account NAME | list [--account NAME] | revoke ID\n' +
  '       | webhook-secrets [--account NAME] | rotate-webhook-secret --account NAME [--overlap-hours HOURS]';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { account: { type: 'string' }, 'overlap-hours': { type: 'string' } },
  });
  const [command, id] = positionals;
  const config = loadConfig();
  if (config.migrateOnStart) await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl, { max: 1, applicationName: 'nonstop-keys' });
  const keys = new PgApiKeyStore(pool);
  const secrets = new PgWebhookSecretStore(pool);
  try {
    if (command === 'create' && values.account) {
      const created = await keys.create(values.account);
      console.log(`key ${created.id} for account ${values.account} (shown once, store it now):\n${created.key}`);
      if (created.webhookSecret) {
        console.log(
          `webhook signing secret of account ${values.account} (shown once; the account's receivers verify with it):\n${created.webhookSecret.secret}`,
        );
      }
      return 0;
    }
    if (command === 'list') {
      for (const key of await keys.list(values.account)) {
        console.log(
          [
            key.id,
            key.account_name,
            `${key.key_prefix}…`,
            key.created_at.toISOString(),
            key.revoked_at ? `revoked ${key.revoked_at.toISOString()}` : 'active',
          ].join('\t'),
        );
      }
      return 0;
    }
    if (command === 'revoke' && id) {
      const revoked = await keys.revoke(id);
      console.log(revoked ? `revoked ${id}` : `no active key ${id}`);
      return revoked ? 0 : 1;
    }
    if (command === 'webhook-secrets') {
      for (const secret of await secrets.list(values.account)) {
        console.log(
          [
            secret.id,
            secret.account_name,
            `${secret.secret_prefix}…`,
            secret.created_at.toISOString(),
            secret.expires_at ? `${secret.state} until ${secret.expires_at.toISOString()}` : secret.state,
          ].join('\t'),
        );
      }
      return 0;
    }
    if (command === 'rotate-webhook-secret' && values.account) {
      const overlapSeconds = overlapOf(values['overlap-hours']);
      if (overlapSeconds === undefined) {
        console.error(`--overlap-hours must be a number from 0 to ${MAX_WEBHOOK_SECRET_OVERLAP_SECONDS / 3600}`);
        return 2;
      }
      const created = await secrets.rotate(values.account, overlapSeconds);
      console.log(
        `webhook signing secret ${created.id} of account ${values.account} (shown once, store it now):\n${created.secret}\n` +
          `deliveries carry a signature with it now; the previous secret keeps signing beside it for ${overlapSeconds / 3600} h`,
      );
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await pool.end();
  }
}

/** Hours as given (fractions allowed), in whole seconds; undefined when out of range or not a number. */
function overlapOf(hours: string | undefined): number | undefined {
  if (hours === undefined) return DEFAULT_WEBHOOK_SECRET_OVERLAP_SECONDS;
  const seconds = Math.round(Number(hours) * 3600);
  return hours.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_WEBHOOK_SECRET_OVERLAP_SECONDS
    ? seconds
    : undefined;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

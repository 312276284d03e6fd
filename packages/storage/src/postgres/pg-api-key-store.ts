import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { runQuery, withTransaction } from './transaction';
import { createWebhookSecretIfMissing, type NewWebhookSecret } from './pg-webhook-secret-store';
import { QUEUED_TOTALS_SQL, queuedTotalsOf, type QueuedTotals } from './queued-quota';

export interface ApiKeyRow {
  id: string;
  account_name: string;
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

const KEY_PREFIX = 'nik_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** API keys, stored hashed; the plain key exists only in the answer to `create`. */
export class PgApiKeyStore {
  constructor(private readonly pool: Pool) {}

  /**
   * A new key; the account's first key (any key of an account without a
   * webhook secret) also creates its webhook signing secret, in the same
   * transaction, returned here once like the key.
   */
  async create(accountName: string): Promise<{ id: string; key: string; webhookSecret?: NewWebhookSecret }> {
    const id = randomUUID();
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const webhookSecret = await withTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO api_keys (id, account_name, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [
        id,
        accountName,
        hashApiKey(key),
        key.slice(0, KEY_PREFIX.length + 6),
      ]);
      return createWebhookSecretIfMissing(client, accountName);
    });
    return { id, key, ...(webhookSecret ? { webhookSecret } : {}) };
  }

  /** The key's id and account, or undefined for an unknown or revoked key. */
  async authenticate(key: string): Promise<{ id: string; account_name: string } | undefined> {
    const result = await runQuery<{ id: string; account_name: string }>(
      this.pool,
      'SELECT id, account_name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashApiKey(key)],
    );
    return result.rows[0];
  }

  /** Which of these key ids are still active: one query for every open stream's key (see apps/api/src/stream/open-streams.ts). */
  async activeKeyIds(ids: string[]): Promise<Set<string>> {
    const result = await runQuery<{ id: string }>(this.pool, 'SELECT id FROM api_keys WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL', [
      ids,
    ]);
    return new Set(result.rows.map((row) => row.id));
  }

  async revoke(id: string): Promise<boolean> {
    const result = await runQuery(this.pool, 'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async list(accountName?: string): Promise<ApiKeyRow[]> {
    const result = await runQuery<ApiKeyRow>(
      this.pool,
      `SELECT id, account_name, key_prefix, created_at, revoked_at FROM api_keys
        WHERE $1::text IS NULL OR account_name = $1 ORDER BY account_name, created_at`,
      [accountName ?? null],
    );
    return result.rows;
  }

  async countActive(): Promise<number> {
    const result = await runQuery<{ n: string }>(this.pool, 'SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL');
    return Number(result.rows[0]?.n ?? 0);
  }

  /** Documents and chunks accepted for the account and not processed yet (the queued quotas). */
  async queuedTotals(accountName: string): Promise<QueuedTotals> {
    const result = await runQuery<{ documents: string; chunks: string }>(this.pool, QUEUED_TOTALS_SQL, [accountName]);
    return queuedTotalsOf(result.rows[0]);
  }
}

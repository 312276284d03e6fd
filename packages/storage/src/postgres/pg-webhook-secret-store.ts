import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { runQuery, withTransaction } from './transaction';

export type WebhookSecretState = 'current' | 'overlap' | 'expired';

/** A secret as listings show it: never the secret itself, only its first characters. */
export interface WebhookSecretRow {
  id: string;
  account_name: string;
  secret_prefix: string;
  created_at: Date;
  superseded_at: Date | null;
  expires_at: Date | null;
  state: WebhookSecretState;
}

export interface NewWebhookSecret {
  id: string;
  account_name: string;
  /** The only time the secret leaves the service in full. */
  secret: string;
  created_at: Date;
}

/** How long a superseded secret keeps signing unless the rotation says otherwise: a day for receivers to switch. */
export const DEFAULT_WEBHOOK_SECRET_OVERLAP_SECONDS = 24 * 3600;
export const MAX_WEBHOOK_SECRET_OVERLAP_SECONDS = 30 * 24 * 3600;

const SECRET_PREFIX = 'whsec_';
const SHOWN_PREFIX_LENGTH = SECRET_PREFIX.length + 6;

function newSecret(): { id: string; secret: string; prefix: string } {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { id: randomUUID(), secret, prefix: secret.slice(0, SHOWN_PREFIX_LENGTH) };
}

/**
 * Gives the account its first webhook secret, inside the caller's transaction
 * (the one that creates an API key); undefined when it already has one. The
 * partial unique index on the current secret makes a concurrent first key
 * find the other's secret instead of making a second.
 */
export async function createWebhookSecretIfMissing(client: PoolClient, accountName: string): Promise<NewWebhookSecret | undefined> {
  const { id, secret, prefix } = newSecret();
  const inserted = await client.query<{ created_at: Date }>(
    `INSERT INTO account_webhook_secrets (id, account_name, secret, secret_prefix) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_name) WHERE superseded_at IS NULL DO NOTHING RETURNING created_at`,
    [id, accountName, secret, prefix],
  );
  const row = inserted.rows[0];
  return row ? { id, account_name: accountName, secret, created_at: row.created_at } : undefined;
}

/** Per-account webhook signing secrets: created with the first key, rotated with an overlap window. */
export class PgWebhookSecretStore {
  constructor(private readonly pool: Pool) {}

  /**
   * A new current secret. The previous ones keep signing until `overlapSeconds`
   * from now (or their own earlier end), so a receiver has that long to switch.
   * Also the way to give a secret to an account that has none (created before
   * per-account secrets).
   */
  async rotate(accountName: string, overlapSeconds: number): Promise<NewWebhookSecret> {
    return withTransaction(this.pool, async (client) => {
      // Rotations of one account take turns: two at once would both see the same current secret.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('account_webhook_secrets'), hashtext($1))", [accountName]);
      await client.query(
        `UPDATE account_webhook_secrets
            SET superseded_at = COALESCE(superseded_at, now()),
                expires_at = LEAST(COALESCE(expires_at, 'infinity'), now() + make_interval(secs => $2))
          WHERE account_name = $1 AND (expires_at IS NULL OR expires_at > now())`,
        [accountName, overlapSeconds],
      );
      const created = await createWebhookSecretIfMissing(client, accountName);
      if (!created) throw new Error(`account ${accountName} still has a current webhook secret after superseding it`);
      return created;
    });
  }

  /** The secrets deliveries of the account are signed with now: the current one first, then those in their overlap window. */
  async signingSecrets(accountName: string): Promise<string[]> {
    const result = await runQuery<{ secret: string }>(
      this.pool,
      `SELECT secret FROM account_webhook_secrets
        WHERE account_name = $1 AND (expires_at IS NULL OR expires_at > now())
        ORDER BY superseded_at IS NOT NULL, created_at DESC`,
      [accountName],
    );
    return result.rows.map((row) => row.secret);
  }

  async list(accountName?: string): Promise<WebhookSecretRow[]> {
    const result = await runQuery<WebhookSecretRow>(
      this.pool,
      `SELECT id, account_name, secret_prefix, created_at, superseded_at, expires_at,
              CASE WHEN superseded_at IS NULL THEN 'current' WHEN expires_at > now() THEN 'overlap' ELSE 'expired' END AS state
         FROM account_webhook_secrets
        WHERE $1::text IS NULL OR account_name = $1 ORDER BY account_name, created_at`,
      [accountName ?? null],
    );
    return result.rows;
  }
}

import { Router } from 'express';
import { ValidationFailedError, type FieldProblem } from '@nonstop/core';
import {
  DEFAULT_WEBHOOK_SECRET_OVERLAP_SECONDS,
  MAX_WEBHOOK_SECRET_OVERLAP_SECONDS,
  type PgWebhookSecretStore,
  type WebhookSecretRow,
} from '@nonstop/storage';
import { jsonBody } from '../http/json-body';
import { MAX_IDENTIFIER_LENGTH } from '../validation/batch-insert.dto';
import { UNKNOWN_FIELD } from '../validation/dto-check';
import { describeType, identifierRule } from '../validation/field-rules';

export const WEBHOOK_SECRETS_PATH = '/admin/accounts/:account_name/webhook-secrets';

const accountNameRule = identifierRule(MAX_IDENTIFIER_LENGTH);

/**
 * An account's webhook signing secrets, behind the admin guard (not part of
 * the public OpenAPI contract):
 * - `GET` lists them without their values: prefix, state (current, overlap,
 *   expired), when each was created, superseded and stops signing;
 * - `POST` with `{"overlap_seconds": N}` (or `{}`: 24 h) rotates: a new
 *   current secret, answered once (201), while the previous ones keep
 *   signing deliveries beside it for N seconds.
 */
export function webhookSecretRoutes(secrets: PgWebhookSecretStore): Router {
  const router = Router();
  router.get(WEBHOOK_SECRETS_PATH, async (req, res) => {
    const accountName = parseAccountName(req.params.account_name);
    res.json({ account_name: accountName, secrets: (await secrets.list(accountName)).map(secretView) });
  });
  router.post(WEBHOOK_SECRETS_PATH, jsonBody(1024), async (req, res) => {
    const accountName = parseAccountName(req.params.account_name);
    const overlapSeconds = parseOverlap(req.body);
    const created = await secrets.rotate(accountName, overlapSeconds);
    res.status(201).set('Cache-Control', 'no-store').json({
      id: created.id,
      account_name: accountName,
      secret: created.secret,
      created_at: created.created_at.toISOString(),
      overlap_seconds: overlapSeconds,
    });
  });
  return router;
}

function secretView(row: WebhookSecretRow): Record<string, unknown> {
  return {
    id: row.id,
    secret_prefix: row.secret_prefix,
    state: row.state,
    created_at: row.created_at.toISOString(),
    superseded_at: row.superseded_at?.toISOString() ?? null,
    expires_at: row.expires_at?.toISOString() ?? null,
  };
}

function parseAccountName(value: unknown): string {
  const problem = accountNameRule(value);
  if (problem !== undefined) throw new ValidationFailedError([{ field: 'account_name', problem }]);
  return value as string;
}

/** `{}` or `{"overlap_seconds": <whole seconds, at most 30 days>}`; anything else is 400 naming the field. */
function parseOverlap(body: unknown): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationFailedError([{ field: 'body', problem: `must be a JSON object, got ${describeType(body)}` }]);
  }
  const problems: FieldProblem[] = Object.keys(body)
    .filter((field) => field !== 'overlap_seconds')
    .map((field) => ({ field, problem: UNKNOWN_FIELD }));
  const { overlap_seconds: overlap } = body as Record<string, unknown>;
  if (
    overlap !== undefined &&
    !(Number.isInteger(overlap) && (overlap as number) >= 0 && (overlap as number) <= MAX_WEBHOOK_SECRET_OVERLAP_SECONDS)
  ) {
    problems.push({
      field: 'overlap_seconds',
      problem: `must be a whole number of seconds from 0 to ${MAX_WEBHOOK_SECRET_OVERLAP_SECONDS}, got ${typeof overlap === 'number' ? overlap : describeType(overlap)}`,
    });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);
  return (overlap as number | undefined) ?? DEFAULT_WEBHOOK_SECRET_OVERLAP_SECONDS;
}

import { Router } from 'express';
import { ValidationFailedError } from '@nonstop/core';
import { auditConsistency, type ConsistencyAuditStores, type ConsistencySummary } from '@nonstop/pipeline';
import { MAX_IDENTIFIER_LENGTH } from '../validation/batch-insert.dto';
import { identifierRule } from '../validation/field-rules';

export const CONSISTENCY_PATH = '/admin/consistency';

const accountNameRule = identifierRule(MAX_IDENTIFIER_LENGTH);

/**
 * `GET /admin/consistency[?account_name=A]`: the consistency audit's JSON
 * summary (read only; `npm run audit -- --repair` repairs). Mounted under the
 * admin guard, and not part of the public OpenAPI contract. An audit reads
 * every chunk id of its scope, so requests for the same scope while one runs
 * share its answer instead of starting another.
 */
export function consistencyRoutes(stores: ConsistencyAuditStores): Router {
  const router = Router();
  const running = new Map<string, Promise<ConsistencySummary>>();
  router.get(CONSISTENCY_PATH, async (req, res) => {
    const accountName = parseAccountName(req.query);
    const scope = accountName ?? '';
    let audit = running.get(scope);
    if (!audit) {
      audit = auditConsistency(stores, accountName === undefined ? {} : { accountName }).finally(() => running.delete(scope));
      running.set(scope, audit);
    }
    res.json(await audit);
  });
  return router;
}

/** Every account when absent; otherwise an identifier like the ones the API accepts, or 400 naming the field. */
function parseAccountName(query: Record<string, unknown>): string | undefined {
  const { account_name: value } = query;
  if (value === undefined) return undefined;
  const problem = accountNameRule(value);
  if (problem !== undefined) throw new ValidationFailedError([{ field: 'account_name', problem }]);
  return value as string;
}

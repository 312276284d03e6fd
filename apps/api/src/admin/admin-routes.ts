import { Router } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { BatchInsertQueue, WebhookQueue } from '@nonstop/core';
import type { ConsistencyAuditStores } from '@nonstop/pipeline';
import type { PgWebhookSecretStore } from '@nonstop/storage';
import { adminAuth } from './admin-auth';
import { consistencyRoutes } from './consistency-routes';
import { webhookSecretRoutes } from './webhook-secret-routes';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * `/admin/*`, behind the admin credential: the Bull Board dashboard of the
 * batch-insert queue and, when given, the webhook-delivery queue; the
 * consistency audit and the accounts' webhook secrets when their stores are
 * given.
 */
export function adminRoutes(deps: {
  queue: BatchInsertQueue;
  webhookQueue?: WebhookQueue;
  adminToken: string | undefined;
  consistency?: ConsistencyAuditStores;
  webhookSecrets?: PgWebhookSecretStore;
}): Router {
  const router = Router();
  const guard = adminAuth(deps.adminToken);
  router.use('/admin', guard);
  if (deps.adminToken !== undefined) {
    const board = new ExpressAdapter();
    board.setBasePath(BULL_BOARD_PATH);
    createBullBoard({
      queues: [deps.queue, ...(deps.webhookQueue ? [deps.webhookQueue] : [])].map((queue) => new BullMQAdapter(queue)),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Nonstop Ingest' } },
    });
    router.use(BULL_BOARD_PATH, board.getRouter());
    if (deps.consistency) router.use(consistencyRoutes(deps.consistency));
    if (deps.webhookSecrets) router.use(webhookSecretRoutes(deps.webhookSecrets));
  }
  return router;
}

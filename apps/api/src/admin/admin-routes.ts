import { Router } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { BatchInsertQueue } from '@nonstop/core';
import { adminAuth } from './admin-auth';

export const BULL_BOARD_PATH = '/admin/queues';

/** `/admin/*`: the Bull Board dashboard of the batch-insert queue, behind the admin credential. */
export function adminRoutes(deps: { queue: BatchInsertQueue; adminToken: string | undefined }): Router {
  const router = Router();
  const guard = adminAuth(deps.adminToken);
  router.use('/admin', guard);
  if (deps.adminToken !== undefined) {
    const board = new ExpressAdapter();
    board.setBasePath(BULL_BOARD_PATH);
    createBullBoard({
      queues: [new BullMQAdapter(deps.queue)],
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Nonstop Ingest' } },
    });
    router.use(BULL_BOARD_PATH, board.getRouter());
  }
  return router;
}

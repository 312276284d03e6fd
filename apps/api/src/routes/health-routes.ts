import { Router } from 'express';
import { apiBody } from '@nonstop/core';
import type { Readiness } from '../readiness';

/** `/healthz`: the process is up. `/readyz`: every dependency answers, each named. */
export function healthRoutes(readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json(apiBody('Health', { status: 'ok' }));
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness.check();
    res.status(report.ready ? 200 : 503).json(report);
  });
  return router;
}

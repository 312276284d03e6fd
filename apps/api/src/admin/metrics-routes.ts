import { Router } from 'express';
import type { Metrics } from '@nonstop/core';
import { adminAuth } from './admin-auth';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: the process's Prometheus series, behind the same admin
 * credential as Bull Board (503 while ADMIN_TOKEN is unset, 401 without it).
 * Not part of the public OpenAPI contract.
 */
export function metricsRoutes(deps: { metrics: Pick<Metrics, 'registry'>; adminToken: string | undefined }): Router {
  const router = Router();
  router.get(METRICS_PATH, adminAuth(deps.adminToken), async (_req, res) => {
    const text = await deps.metrics.registry.metrics();
    res.set('Content-Type', deps.metrics.registry.contentType).send(text);
  });
  return router;
}

import express, { Router } from 'express';
import request from 'supertest';
import { createMetrics } from '@nonstop/core';
import { requestMetrics } from '../src/http/request-metrics';

describe('requestMetrics', () => {
  it('labels requests by route pattern, mounted prefix or "unmatched", with their status', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const app = express();
    app.use(requestMetrics(metrics));
    app.get('/job/:job_id', (req, res) => {
      res.status(req.params.job_id === 'missing' ? 404 : 200).json({});
    });
    const assets = Router();
    assets.use((_req, res) => {
      res.send('asset');
    });
    app.use('/admin/queues', assets);

    await request(app).get('/job/0b9c7d4e').expect(200);
    await request(app).get('/job/missing').expect(404);
    await request(app).get('/admin/queues/static/app.js').expect(200);
    await request(app).get('/no/such/path').expect(404);

    const text = await metrics.registry.metrics();
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="GET",route="/job/:job_id",status_code="200"} 1');
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="GET",route="/job/:job_id",status_code="404"} 1');
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="GET",route="/admin/queues",status_code="200"} 1');
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
    expect(text).not.toContain('0b9c7d4e');
  });
});

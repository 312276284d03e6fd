import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

interface SseMessage {
  event: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

/** A small text/event-stream reader for the test (fetch body, blank-line framed blocks). */
class SseClient {
  readonly messages: SseMessage[] = [];
  pings = 0;
  status = 0;
  contentType = '';
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  done: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.done = this.read(url, headers);
  }

  private async read(url: string, headers: Record<string, string>): Promise<void> {
    try {
      const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: this.abort.signal });
      this.status = response.status;
      this.contentType = response.headers.get('content-type') ?? '';
      if (!response.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
    } finally {
      this.wake();
    }
  }

  private parseBlock(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        if (line.trim() === ': ping') this.pings += 1;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) {
      this.messages.push({ event, id, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
      this.wake();
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Resolves once `predicate` holds for the messages so far (or the stream ended). */
  async until(predicate: (messages: SseMessage[]) => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.done.finally(() => {
      ended = true;
    });
    while (!predicate(this.messages)) {
      if (ended)
        throw new Error(`stream ended before the expected event; got ${JSON.stringify(this.messages.map((m) => [m.event, m.id]))}`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a stream event');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

const ended = (messages: SseMessage[]): boolean => messages.some((message) => message.event === 'end');

describe('GET /job/{id}/stream (Server-Sent Events) with a real worker process', () => {
  const harness = new JobHarness();
  const config = testConfig({ ...harness.env, SSE_HEARTBEAT_MS: '300' });
  let api: InProcessApi;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    api = await startInProcessApi(config);
    server = api.app.listen(0);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await api.close();
  });

  it('streams processing events and a final end event; a client that reconnects with Last-Event-ID still gets the end', async () => {
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: uniqueAccount('sse'), documents: makeDocuments(60, { chunks: 4 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    const url = `${base}/job/${jobId}/stream`;

    const watcher = new SseClient(url);
    const quitter = new SseClient(url);
    await quitter.until((messages) => messages.length >= 1);
    quitter.close();
    await quitter.done;
    const lastSeen = quitter.messages[quitter.messages.length - 1]!;
    expect(lastSeen.event).toBe('message');
    expect(lastSeen.id).toBeDefined();

    const resumed = new SseClient(url, { 'Last-Event-ID': lastSeen.id! });
    await watcher.until(ended);
    await resumed.until(ended);
    await watcher.done;
    await resumed.done;

    expect(watcher.status).toBe(200);
    expect(watcher.contentType).toContain('text/event-stream');
    const states = watcher.messages.filter((message) => message.event === 'message');
    expect(states[0]!.data).toMatchObject({ job_id: jobId });
    expect(states.some((message) => message.data.status === 'processing')).toBe(true);
    // Every event id differs from the one before: one event per change.
    const ids = watcher.messages.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Progress never goes backwards.
    const processed = states.map((message) => (message.data.progress as { processed_documents: number }).processed_documents);
    expect([...processed].sort((a, b) => a - b)).toEqual(processed);

    const end = watcher.messages[watcher.messages.length - 1]!;
    expect(end.event).toBe('end');
    expect(end.id).toBe('60-completed');
    expect(end.data).toMatchObject({
      job_id: jobId,
      status: 'completed',
      progress: { total_documents: 60, processed_documents: 60, success_count: 60, failure_count: 0, percentage: 100 },
    });
    expect(end.data.results).toHaveLength(60);
    // Same content as GET /job/{id}, bar the clock.
    const status = await request(api.app).get(`/job/${jobId}`).expect(200);
    expect(end.data).toEqual(status.body);

    const resumedEnd = resumed.messages[resumed.messages.length - 1]!;
    expect(resumedEnd).toMatchObject({ event: 'end', id: '60-completed' });
    expect(resumedEnd.data).toEqual(status.body);

    // A disconnected client leaves nothing behind.
    await waitFor('stream subscriptions released', async () => api.jobEvents.hub.subscriberCount === 0, 5_000, 50);
  });

  it('sends the end event at once for a finished job, and heartbeats while a job is open', async () => {
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: uniqueAccount('sse'), documents: makeDocuments(1) })
      .expect(202);
    const jobId = created.body.job_id as string;
    const live = new SseClient(`${base}/job/${jobId}/stream`);
    await live.until(ended);
    await live.done;

    const again = new SseClient(`${base}/job/${jobId}/stream`, { 'Last-Event-ID': '0-pending' });
    await again.until(ended);
    await again.done;
    expect(again.messages).toHaveLength(1);
    expect(again.messages[0]).toMatchObject({ event: 'end', id: '1-completed', data: { status: 'completed' } });

    // A pending job that no worker takes (another prefix's queue) stays open: heartbeats, then the client leaves.
    const idle = await startInProcessApi(testConfig({ QUEUE_PREFIX: `${harness.prefix}-idle`, SSE_HEARTBEAT_MS: '100' }));
    const idleServer = idle.app.listen(0);
    try {
      await new Promise<void>((resolve) => idleServer.once('listening', resolve));
      const idleJob = await request(idle.app)
        .post('/job/batch-insert')
        .send({ account_name: uniqueAccount('sse'), documents: makeDocuments(1) })
        .expect(202);
      const waiting = new SseClient(`http://127.0.0.1:${(idleServer.address() as AddressInfo).port}/job/${idleJob.body.job_id}/stream`);
      await waitFor('heartbeats', async () => waiting.pings >= 2, 5_000, 50);
      expect(waiting.messages).toHaveLength(1);
      expect(waiting.messages[0]).toMatchObject({ event: 'message', id: '0-pending', data: { status: 'pending' } });
      expect(idle.jobEvents.hub.subscriberCount).toBe(1);
      waiting.close();
      await waiting.done;
      await waitFor('stream subscription released', async () => idle.jobEvents.hub.subscriberCount === 0, 5_000, 50);
      await request(idle.app).delete(`/job/${idleJob.body.job_id}`).expect(200);
    } finally {
      idleServer.closeAllConnections();
      await new Promise<void>((resolve) => idleServer.close(() => resolve()));
      await idle.queue.obliterate({ force: true });
      await idle.close();
    }
  });

  it('answers 404 for an unknown job', async () => {
    await request(api.app).get('/job/00000000-0000-4000-8000-000000000000/stream').expect(404);
    await request(api.app).get('/job/nope/stream').expect(404);
  });
});

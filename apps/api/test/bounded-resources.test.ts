import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { BODY_MEMORY_COPIES, createLogger } from '@nonstop/core';
import { clientAddressKey } from '../src/auth/failed-auth-limit';
import { BodyMemoryBudget, bodyCost } from '../src/http/body-memory-budget';
import { errorMiddleware } from '../src/http/error-middleware';
import { jsonBody } from '../src/http/json-body';
import { requestHash } from '../src/http/request-hash';
import { OpenStreams } from '../src/stream/open-streams';

const MB = 1024 * 1024;
const logger = createLogger({ level: 'error', format: 'text', service: 'test' });
const headers = (h: Record<string, string>) => ({ headers: h }) as unknown as express.Request;

describe('bodyCost: the worst case of a body, from its headers', () => {
  it('counts a declared identity body at its length, a compressed or chunked one at the limit, times the copies', () => {
    expect(bodyCost(headers({ 'content-length': String(5 * MB) }), 200 * MB)).toBe(5 * MB * BODY_MEMORY_COPIES);
    expect(bodyCost(headers({ 'content-length': String(300_000), 'content-encoding': 'gzip' }), 200 * MB)).toBe(
      200 * MB * BODY_MEMORY_COPIES,
    );
    expect(bodyCost(headers({ 'transfer-encoding': 'chunked' }), 200 * MB)).toBe(200 * MB * BODY_MEMORY_COPIES);
  });

  it('does not count small bodies, nor one declared over the limit (refused unread)', () => {
    expect(bodyCost(headers({ 'content-length': '2000' }), 200 * MB)).toBe(0);
    expect(bodyCost(headers({ 'content-encoding': 'gzip' }), 1 * MB)).toBe(0);
    expect(bodyCost(headers({ 'content-length': String(201 * MB) }), 200 * MB)).toBe(0);
  });
});

describe('BodyMemoryBudget', () => {
  it('admits within the process and per-key bounds, and frees on release (once)', () => {
    const budget = new BodyMemoryBudget(300, 200);
    const a1 = budget.reserve(150, 'a');
    expect('release' in a1).toBe(true);
    expect(budget.reserve(100, 'a')).toEqual({ refusal: 'key' });
    const b1 = budget.reserve(150, 'b');
    expect(budget.reserve(10, 'c')).toEqual({ refusal: 'process' });
    if ('release' in a1) {
      a1.release();
      a1.release();
    }
    expect(budget.bytesInUse).toBe(150);
    expect('release' in budget.reserve(150, undefined)).toBe(true);
    if ('release' in b1) b1.release();
    expect(budget.bytesInUse).toBe(150);
  });

  it('answers 503 with Retry-After, unread, when a gzip body cannot fit', async () => {
    const app = express();
    app.post('/in', jsonBody(4 * MB, new BodyMemoryBudget(4 * MB, 4 * MB)), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorMiddleware(logger));
    const res = await request(app)
      .post('/in')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      .send(gzipSync('{"a":1}'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('server_busy');
    expect(res.headers['retry-after']).toBe('5');
    // A small body is not counted: it passes however full the budget is.
    await request(app).post('/in').set('Content-Type', 'application/json').send('{"a":1}').expect(200);
  });
});

describe('requestHash', () => {
  it('is the SHA-256 of JSON.stringify of the body, fed piece by piece', () => {
    const bodies = [
      {
        account_name: 'a',
        documents: [
          { chat_bot_id: 'b', content_name: '한국어 "q"', chunks: [{ chunk_index: 0, text: 'x\n😀' }] },
          { metadata: { k: [1, null] } },
        ],
      },
      { origin: 'sync', account_name: 'a', documents: [], webhook_url: 'https://example.com/h' },
      { account_name: 'a', documents: [undefined, 1], webhook_url: undefined },
    ];
    for (const body of bodies) expect(requestHash(body)).toBe(createHash('sha256').update(JSON.stringify(body)).digest('hex'));
  });
});

describe('clientAddressKey', () => {
  it('counts IPv4 (mapped or not) by address and IPv6 by its /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey(undefined)).toBe('unknown');
  });
});

describe('OpenStreams', () => {
  it('caps streams per key and per process, and frees a slot on release', () => {
    const streams = new OpenStreams({ maxPerKey: 2, maxTotal: 3, keyRecheckMs: 60_000, logger });
    const first = streams.admit('k1', () => undefined);
    streams.admit('k1', () => undefined);
    expect(streams.admit('k1', () => undefined)).toEqual({ refusal: expect.stringMatching(/2 open streams, the limit per key/) });
    streams.admit(undefined, () => undefined);
    expect(streams.admit('k2', () => undefined)).toEqual({ refusal: expect.stringMatching(/3 open streams, its limit/) });
    if ('release' in first) first.release();
    expect(streams.openCount).toBe(2);
    expect('release' in streams.admit('k1', () => undefined)).toBe(true);
  });

  it('ends the streams of keys the recheck no longer finds active, and only those', async () => {
    let active = new Set(['k1', 'k2']);
    const checked: string[][] = [];
    const streams = new OpenStreams({
      maxPerKey: 5,
      maxTotal: 10,
      keyRecheckMs: 20,
      logger,
      activeKeys: async (ids) => {
        checked.push([...ids].sort());
        return new Set(ids.filter((id) => active.has(id)));
      },
    });
    const ended: string[] = [];
    const open = (key: string, name: string) => {
      const admission = streams.admit(key, () => {
        ended.push(name);
        if ('release' in admission) admission.release();
      });
    };
    open('k1', 'a');
    open('k1', 'b');
    open('k2', 'c');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ended).toEqual([]);
    expect(checked[0]).toEqual(['k1', 'k2']); // one lookup for every key
    active = new Set(['k2']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ended.sort()).toEqual(['a', 'b']);
    expect(streams.openCount).toBe(1);
  });
});

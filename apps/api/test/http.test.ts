import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import express, { type Express } from 'express';
import request from 'supertest';
import { ApiError, ValidationFailedError, type Logger } from '@nonstop/core';
import { errorMiddleware, type ErrorLogger } from '../src/http/error-middleware';
import { jsonBody } from '../src/http/json-body';
import { notFoundMiddleware } from '../src/http/not-found-middleware';
import { requestId } from '../src/http/request-id';
import { firstInvalidUtf8Offset, isUtf8 } from '../src/http/utf8';

const LIMIT = 1024;

interface LoggedError {
  message: string;
  meta: Record<string, unknown>;
}

function tinyApp(): { app: Express; logged: LoggedError[] } {
  const logged: LoggedError[] = [];
  const logger: ErrorLogger = { error: (message, meta) => logged.push({ message, meta }) };
  const app = express();
  app.use(requestId());
  app.post('/echo', jsonBody(LIMIT), (req, res) => {
    res.json({ received: req.body as unknown });
  });
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.post('/boom', jsonBody(LIMIT), () => {
    throw new Error('password=hunter2 leaked from a driver');
  });
  app.get('/async-boom', async () => {
    await Promise.resolve();
    throw new TypeError('cannot read properties of undefined');
  });
  app.get('/invalid', () => {
    throw new ValidationFailedError([{ field: 'documents[0].chunks[1].text', problem: 'must be a non-empty string' }]);
  });
  app.get('/foreign-invalid', () => {
    // An ApiError from another copy of @nonstop/core: instanceof fails, the name and shape do not.
    throw Object.assign(new Error('Invalid request: x'), {
      name: 'ValidationFailedError',
      status: 400,
      code: 'validation_failed',
      details: [{ field: 'x', problem: 'bad' }],
    });
  });
  app.get('/unavailable', () => {
    throw new ApiError(503, 'postgresql_unavailable', 'PostgreSQL is unavailable');
  });
  app.use(notFoundMiddleware());
  app.use(errorMiddleware(logger));
  return { app, logged };
}

/** Sends the bytes as they are (superagent would JSON-encode a Buffer sent as application/json). */
const postRaw = (app: Express, body: string | Buffer, headers: Record<string, string>) =>
  request(app)
    .post('/echo')
    .set(headers)
    .serialize((raw: unknown) => raw as string)
    .send(body);
const postJson = (app: Express, body: string | Buffer, contentType = 'application/json') =>
  postRaw(app, body, { 'Content-Type': contentType });

describe('jsonBody', () => {
  it('parses UTF-8 JSON and keeps Korean, emoji and escapes intact', async () => {
    const { app } = tinyApp();
    const body = { account_name: 'chatty', text: '안녕하세요 😀 "quoted" \\ back' };
    const res = await postJson(app, JSON.stringify(body), 'application/json; charset=UTF-8');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ received: body });
  });

  it('answers malformed JSON with 400 malformed_json and the parser position', async () => {
    const { app, logged } = tinyApp();
    const res = await postJson(app, '{"account_name": "a",, }');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    expect(res.body.error.message).toMatch(/^Request body is not valid JSON: .*position 21/);
    expect(logged).toEqual([]);
  });

  it('refuses a top-level scalar (strict JSON)', async () => {
    const { app } = tinyApp();
    const res = await postJson(app, '"just a string"');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form encoded', 'application/x-www-form-urlencoded'],
    ['a +json type', 'application/merge-patch+json'],
  ])('answers %s with 415 unsupported_media_type', async (_name, contentType) => {
    const { app } = tinyApp();
    const res = await postJson(app, '{"a":1}', contentType);
    expect(res.status).toBe(415);
    expect(res.body.error).toEqual({
      code: 'unsupported_media_type',
      message: `Content-Type must be application/json, got "${contentType}"`,
    });
  });

  it('answers a body without Content-Type with 415', async () => {
    const { app } = tinyApp();
    const res = await request(app)
      .post('/echo')
      .serialize((raw: unknown) => raw as string)
      .send(Buffer.from('{"a":1}'));
    expect(res.status).toBe(415);
    expect(res.body.error.message).toBe('Content-Type must be application/json, got no Content-Type');
  });

  it('refuses charsets other than UTF-8 with 415 unsupported_charset', async () => {
    const { app } = tinyApp();
    for (const charset of ['latin1', 'utf-16le', 'euc-kr']) {
      const res = await postJson(app, '{"a":1}', `application/json; charset=${charset}`);
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_charset');
    }
  });

  it('answers an oversized body with 413 payload_too_large naming the limit', async () => {
    const { app } = tinyApp();
    const res = await postJson(app, JSON.stringify({ text: 'x'.repeat(LIMIT) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.message).toContain('limit of 1024 bytes');
  });

  it('accepts a gzip-compressed body', async () => {
    const { app } = tinyApp();
    const res = await postRaw(app, gzipSync(JSON.stringify({ text: '압축' })), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: { text: '압축' } });
  });

  it('applies the limit after decompression (a small gzip that inflates too far is 413)', async () => {
    const { app } = tinyApp();
    const compressed = gzipSync(JSON.stringify({ text: ' '.repeat(100 * LIMIT) }));
    expect(compressed.length).toBeLessThan(LIMIT);
    const res = await postRaw(app, compressed, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(413);
  });

  it('refuses an unknown Content-Encoding with 415', async () => {
    const { app } = tinyApp();
    const res = await postRaw(app, '{"a":1}', { 'Content-Type': 'application/json', 'Content-Encoding': 'x-unknown' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_content_encoding');
  });

  it.each([
    ['a stray 0xFF byte', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]), 6],
    [
      'Korean cut in the middle of a character',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from('한').subarray(0, 2), Buffer.from('"}')]),
      6,
    ],
    ['an overlong "/"', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 6],
    ['an encoded surrogate (CESU-8)', Buffer.concat([Buffer.from('{"a":"가'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), 9],
  ])('refuses %s with 400 invalid_utf8 instead of decoding it to U+FFFD', async (_name, bytes, offset) => {
    const { app } = tinyApp();
    const res = await postJson(app, bytes);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_utf8',
      message: `Request body is not valid UTF-8 (first invalid byte at offset ${offset})`,
    });
  });
});

describe('firstInvalidUtf8Offset', () => {
  it('agrees with isUtf8 on random bytes', () => {
    for (let i = 0; i < 3000; i += 1) {
      const bytes = randomBytes(1 + (i % 12));
      expect(firstInvalidUtf8Offset(bytes) === -1).toBe(isUtf8(bytes));
    }
  });

  it('finds nothing wrong in valid text', () => {
    expect(firstInvalidUtf8Offset(Buffer.from('ASCII, 한국어, 😀, \u{10FFFF}'))).toBe(-1);
  });
});

describe('errors and unknown routes', () => {
  it('answers an unknown route with 404 not_found naming method and path', async () => {
    const { app } = tinyApp();
    const res = await request(app).delete('/nope/here?token=secret');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No route for DELETE /nope/here' } });
  });

  it('answers a thrown Error with 500 internal_error without leaking its message, and logs it with the request id', async () => {
    const { app, logged } = tinyApp();
    const res = await request(app)
      .post('/boom')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'req-123')
      .send('{"text":"customer secret text"}');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Internal server error (request id req-123)' } });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.meta).toMatchObject({ request_id: 'req-123', method: 'POST', path: '/boom', error_name: 'Error' });
    expect(JSON.stringify(logged)).not.toContain('customer secret text');
  });

  it('handles a rejected promise from an async handler the same way', async () => {
    const { app, logged } = tinyApp();
    const res = await request(app).get('/async-boom');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
    expect(logged[0]!.meta.error_name).toBe('TypeError');
  });

  it('renders a ValidationFailedError with its details and does not log it', async () => {
    const { app, logged } = tinyApp();
    const res = await request(app).get('/invalid');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ field: 'documents[0].chunks[1].text', problem: 'must be a non-empty string' }]);
    expect(logged).toEqual([]);
  });

  it('recognises an ApiError by name and shape when instanceof fails', async () => {
    const { app } = tinyApp();
    const res = await request(app).get('/foreign-invalid');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'validation_failed', message: 'Invalid request: x', details: [{ field: 'x', problem: 'bad' }] },
    });
  });

  it('renders a 5xx ApiError as it is and logs it', async () => {
    const { app, logged } = tinyApp();
    const res = await request(app).get('/unavailable');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'postgresql_unavailable', message: 'PostgreSQL is unavailable' });
    expect(logged).toHaveLength(1);
  });

  it('answers a path parameter that is not valid percent-encoding with 400, not 500', async () => {
    const { app, logged } = tinyApp();
    const res = await request(app).get('/items/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(logged).toEqual([]);
  });

  it('accepts a winston Logger as its logger', () => {
    const winstonLogger = undefined as unknown as Logger;
    const asErrorLogger: ErrorLogger | undefined = winstonLogger;
    expect(asErrorLogger).toBeUndefined();
  });
});

describe('requestId', () => {
  it('keeps a usable X-Request-Id from the caller', async () => {
    const { app } = tinyApp();
    const res = await request(app).get('/items/1').set('X-Request-Id', 'abc-123:retry.2');
    expect(res.headers['x-request-id']).toBe('abc-123:retry.2');
  });

  it.each([
    ['none', undefined],
    ['one with spaces', 'a b'],
    ['one too long', 'x'.repeat(129)],
  ])('issues a uuid when the caller sends %s', async (_name, incoming) => {
    const { app } = tinyApp();
    const req = request(app).get('/items/1');
    const res = incoming === undefined ? await req : await req.set('X-Request-Id', incoming);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

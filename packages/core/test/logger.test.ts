import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, redact, type Logger } from '../src/logger';

describe('redact', () => {
  it.each<[string, unknown, unknown]>([
    ['primitives pass through', 'text', 'text'],
    ['null passes through', null, null],
    ['numbers pass through', 42, 42],
    [
      'top-level secret keys',
      { authorization: 'Bearer abc', api_key: 'k', signature: 's', job_id: 'j' },
      { authorization: '[redacted]', api_key: '[redacted]', signature: '[redacted]', job_id: 'j' },
    ],
    [
      'document content keys',
      { text: 'chunk', chunks: [{ text: 'c' }], metadata: { title: 't' }, content_name: 'n' },
      { text: '[redacted]', chunks: '[redacted]', metadata: '[redacted]', content_name: 'n' },
    ],
    [
      'keys in any case',
      { Authorization: 'a', API_KEY: 'b', 'X-Api-Key': 'c', Text: 'd' },
      { Authorization: '[redacted]', API_KEY: '[redacted]', 'X-Api-Key': '[redacted]', Text: '[redacted]' },
    ],
    [
      'nested keys',
      { request: { headers: { authorization: 'Bearer abc', accept: 'json' } } },
      { request: { headers: { authorization: '[redacted]', accept: 'json' } } },
    ],
    [
      'objects inside arrays',
      {
        documents: [
          { content_name: 'a', chunks: [] },
          { content_name: 'b', metadata: {} },
        ],
      },
      {
        documents: [
          { content_name: 'a', chunks: '[redacted]' },
          { content_name: 'b', metadata: '[redacted]' },
        ],
      },
    ],
    ['a top-level array', [{ text: 'x' }, 'y', [{ signature: 'z' }]], [{ text: '[redacted]' }, 'y', [{ signature: '[redacted]' }]]],
    ['a key holding null is still redacted', { text: null }, { text: '[redacted]' }],
  ])('%s', (_name, input, expected) => {
    expect(redact(input)).toEqual(expected);
  });

  it('does not modify its input', () => {
    const input = { headers: { authorization: 'Bearer abc' } };
    redact(input);
    expect(input.headers.authorization).toBe('Bearer abc');
  });

  it('turns an Error into {name, message, stack} and drops its other properties', () => {
    const error = Object.assign(new TypeError('bad input'), { config: { headers: { authorization: 'Bearer abc' } } });
    expect(redact({ error })).toEqual({ error: { name: 'TypeError', message: 'bad input', stack: error.stack } });
  });

  it('redacts six levels down', () => {
    const deep = { a: { b: { c: { d: { e: { f: { text: 'secret' } } } } } } };
    expect(JSON.stringify(redact(deep))).not.toContain('secret');
  });

  // A secret nested deeply (e.g. an SDK error's request config) must not reach the log.
  it('redacts at any depth', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { authorization: 'Bearer secret' } } } } } } } } };
    expect(JSON.stringify(redact(deep))).not.toContain('secret');
  });
});

/** A logger made by createLogger whose output lines are captured instead of printed. */
function capturedLogger(format: 'json' | 'text' = 'json'): { logger: Logger; lines: () => Promise<string[]> } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      written.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'info', format, service: 't' });
  logger.clear();
  logger.add(new winston.transports.Stream({ stream }));
  return {
    logger,
    lines: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return written
        .join('')
        .split('\n')
        .filter((line) => line.length > 0);
    },
  };
}

const SECRETS = ['Bearer sk-live-123', 'api-key-456', 'sig-789', '첫 번째 문단 비밀', 'chunk body text', 'meta-title-secret'];

describe('createLogger', () => {
  it('writes JSON lines with service and timestamp and never a secret or chunk text', async () => {
    const { logger, lines } = capturedLogger();
    logger.info('batch received', {
      job_id: 'job-1',
      headers: { Authorization: 'Bearer sk-live-123', 'x-api-key': 'api-key-456' },
      signature: 'sig-789',
      documents: [
        { content_name: 'doc-a', chunks: [{ chunk_index: 0, text: '첫 번째 문단 비밀' }], metadata: { title: 'meta-title-secret' } },
      ],
    });
    logger.warn({ message: 'object form', text: 'chunk body text' });
    const output = await lines();
    expect(output).toHaveLength(2);
    const first = JSON.parse(output[0] ?? '') as Record<string, any>;
    expect(first).toMatchObject({ level: 'info', message: 'batch received', service: 't', job_id: 'job-1' });
    expect(typeof first.timestamp).toBe('string');
    expect(first.headers).toEqual({ Authorization: '[redacted]', 'x-api-key': '[redacted]' });
    expect(first.documents).toEqual([{ content_name: 'doc-a', chunks: '[redacted]', metadata: '[redacted]' }]);
    expect(JSON.parse(output[1] ?? '')).toMatchObject({ level: 'warn', message: 'object form', text: '[redacted]' });
    for (const secret of SECRETS) expect(output.join('\n')).not.toContain(secret);
  });

  it('logs an error as name, message and stack', async () => {
    const { logger, lines } = capturedLogger();
    const error = Object.assign(new Error('insert failed'), { request: { api_key: 'api-key-456' } });
    logger.error('job failed', { error });
    const [line] = await lines();
    const logged = JSON.parse(line ?? '') as Record<string, any>;
    expect(logged.error).toEqual({ name: 'Error', message: 'insert failed', stack: error.stack });
    expect(line).not.toContain('api-key-456');
  });

  it('drops messages below its level', async () => {
    const { logger, lines } = capturedLogger();
    logger.debug('too chatty', { job_id: 'j' });
    logger.info('kept');
    const output = await lines();
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('kept');
  });

  it('keeps secrets out of the text format too', async () => {
    const { logger, lines } = capturedLogger('text');
    logger.info('text format', { authorization: 'Bearer sk-live-123', chunks: [{ text: 'chunk body text' }], job_id: 'job-2' });
    const [line] = await lines();
    expect(line).toContain('text format');
    expect(line).toContain('job-2');
    expect(line).toContain(' t ');
    for (const secret of SECRETS) expect(line).not.toContain(secret);
  });
});

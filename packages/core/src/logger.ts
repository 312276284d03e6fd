import winston from 'winston';

/**
 * Keys whose values never reach a log line: secrets, signatures and the
 * documents' own text (customers' content is not ours to copy into logs).
 */
const REDACTED_KEYS = new Set([
  'authorization',
  'api_key',
  'apikey',
  'x-api-key',
  'password',
  'secret',
  'token',
  'signature',
  'x-signature',
  'text',
  'texts',
  'chunks',
  'input',
  'metadata',
  'embedding',
]);

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than anything we log on purpose: drop it rather than risk a secret inside.
  if (depth > 6) return '[redacted: nested too deep]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = REDACTED_KEYS.has(key.toLowerCase()) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = REDACTED_KEYS.has(key.toLowerCase()) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

export type Logger = winston.Logger;

export function createLogger(options: { level: string; format: 'json' | 'text'; service: string }): Logger {
  const output =
    options.format === 'json'
      ? winston.format.json()
      : winston.format.combine(
          winston.format.colorize(),
          winston.format.printf(({ level, message, timestamp, service, ...meta }) => {
            const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${String(service)} ${level}: ${String(message)}${rest}`;
          }),
        );
  return winston.createLogger({
    level: options.level,
    defaultMeta: { service: options.service },
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), output),
    transports: [new winston.transports.Console()],
  });
}

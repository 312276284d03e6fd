import { createHash } from 'node:crypto';

/**
 * The SHA-256 of `JSON.stringify(body)` (what an Idempotency-Key replay is
 * compared by), fed to the hash one top-level field and one array item at a
 * time: the documents of a 200 MB body are never serialised into one more
 * string of that size. The digest is the same as hashing the whole text, so
 * jobs staged before this change still match their replays.
 */
export function requestHash(body: object): string {
  const hash = createHash('sha256');
  hash.update('{');
  let separator = '';
  for (const [key, value] of Object.entries(body)) {
    const text = Array.isArray(value) ? '' : (JSON.stringify(value) as string | undefined);
    if (text === undefined) continue; // JSON.stringify leaves out undefined (and function) values
    hash.update(`${separator}${JSON.stringify(key)}:`);
    separator = ',';
    if (!Array.isArray(value)) {
      hash.update(text);
      continue;
    }
    hash.update('[');
    value.forEach((item: unknown, i) => hash.update(`${i === 0 ? '' : ','}${JSON.stringify(item) ?? 'null'}`));
    hash.update(']');
  }
  hash.update('}');
  return hash.digest('hex');
}

import { describeType, isPlainObject, unstorableCharacterProblem, type Rule } from './field-rules';
import { indexPath, keyPath } from './field-path';
import type { ProblemList } from './problem-list';

/**
 * Document metadata is stored as PostgreSQL jsonb and copied into job records,
 * so it must be plain JSON, small and shallow: no NUL (jsonb refuses it), no
 * lone surrogates, nesting of at most MAX_METADATA_DEPTH (the object itself is
 * level 1), and a serialised size within the configured byte limit.
 */
export const MAX_METADATA_DEPTH = 8;

/** The type check the DTO declares; the deep walk below runs only when it passes. */
export const metadataTypeRule: Rule = (value) => (isPlainObject(value) ? undefined : `must be a JSON object, got ${describeType(value)}`);

export function checkMetadata(metadata: Record<string, unknown>, path: string, maxBytes: number, problems: ProblemList): void {
  let tooDeepAt: string | undefined;
  let clean = true;
  // A lower bound of the JSON size (UTF-8 never takes fewer bytes than UTF-16 units):
  // once it passes the limit the walk stops, so a huge metadata value costs little.
  let leastBytes = 0;
  const report = (field: string, problem: string): void => {
    clean = false;
    problems.add(field, problem);
  };

  const visit = (value: unknown, at: string, depth: number): void => {
    if (problems.full || leastBytes > maxBytes) return;
    if (typeof value === 'string') {
      leastBytes += value.length + 2;
      const unstorable = unstorableCharacterProblem(value);
      if (unstorable !== undefined) report(at, unstorable);
      return;
    }
    if (value === null || typeof value === 'boolean') {
      leastBytes += 4;
      return;
    }
    if (typeof value === 'number') {
      leastBytes += 1;
      if (!Number.isFinite(value)) report(at, 'must be a finite number');
      return;
    }
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainObject(value)) {
      report(at, `is not a JSON value (${describeType(value)})`);
      return;
    }
    if (depth > MAX_METADATA_DEPTH) {
      tooDeepAt ??= at;
      return;
    }
    leastBytes += 2;
    if (isArray) {
      value.forEach((item, index) => visit(item, indexPath(at, index), depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      leastBytes += key.length + 3;
      const keyProblem = metadataKeyProblem(key);
      if (keyProblem !== undefined) report(keyPath(at, key), keyProblem);
      else visit(item, keyPath(at, key), depth + 1);
    }
  };
  visit(metadata, path, 1);

  if (tooDeepAt !== undefined) {
    report(path, `is nested deeper than ${MAX_METADATA_DEPTH} levels (at ${tooDeepAt})`);
  } else if (leastBytes > maxBytes) {
    report(path, `exceeds ${maxBytes} bytes as JSON`);
  } else if (clean && !problems.full) {
    // Serialised only once the walk found it shallow and small: JSON.stringify recurses.
    const bytes = Buffer.byteLength(JSON.stringify(metadata), 'utf8');
    if (bytes > maxBytes) report(path, `exceeds ${maxBytes} bytes as JSON (${bytes} bytes)`);
  }
}

function metadataKeyProblem(key: string): string | undefined {
  // An own "__proto__" key is harmless in JSON but turns into a prototype change
  // the moment later code copies metadata with Object.assign or a deep merge.
  if (key === '__proto__') return 'key "__proto__" is not allowed';
  const unstorable = unstorableCharacterProblem(key);
  return unstorable === undefined ? undefined : `key ${unstorable}`;
}

/**
 * Rules for single values, as pure functions: `(value) => problem | undefined`.
 * The DTOs attach them to properties (see rule-decorator.ts); keeping them
 * plain functions lets one rule produce one precise message ("must be a
 * string, got number") instead of several overlapping class-validator ones.
 */

export type Rule = (value: unknown) => string | undefined;

/** PostgreSQL `integer`, the type of document_chunks.chunk_index. */
export const MAX_CHUNK_INDEX = 2_147_483_647;

/**
 * Identifiers (account_name, chat_bot_id) are keys that end up in SQL
 * parameters, Milvus filter expressions, Redis keys and log lines. ASCII
 * letters, digits and `_ - . :` cover real ids (`bot-001`, `team.a:prod`)
 * while quotes, spaces, backslashes and operators never reach those places.
 * The first character may not be `-`, `.` or `:` (flag-like, path-like).
 */
const IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;
export const IDENTIFIER_RULE_TEXT = "must contain only ASCII letters, digits, '_', '-', '.', ':' and not start with '-', '.' or ':'";

/** NUL, or a UTF-16 surrogate without its partner (not encodable as UTF-8). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern exists to find
const UNSTORABLE_CHARACTER = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `\S` is the complement of what String.prototype.trim removes; testing it copies nothing. */
const NOT_WHITESPACE = /\S/;

const MAX_ECHO_CHARACTERS = 40;

/** "null", "array", "object", "string", ... as a client would name the JSON type. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A value quoted for a message: JSON-escaped (control characters and lone
 * surrogates become `\u....`, so the message itself stays valid UTF-8) and
 * cut after a few characters, never inside a surrogate pair.
 */
export function echo(value: string): string {
  const characters = Array.from(value);
  if (characters.length <= MAX_ECHO_CHARACTERS) return JSON.stringify(value);
  return `${JSON.stringify(characters.slice(0, MAX_ECHO_CHARACTERS).join(''))}... (${characters.length} characters)`;
}

/** Counts Unicode code points, as PostgreSQL counts the characters of `text`. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

export function exceedsCharacters(value: string, max: number): boolean {
  // A string is never longer in code points than in UTF-16 units: skip counting the common case.
  return value.length > max && characterCount(value) > max;
}

/** NUL is refused by PostgreSQL text and jsonb; a lone surrogate has no UTF-8 form. */
export function unstorableCharacterProblem(value: string): string | undefined {
  const index = value.search(UNSTORABLE_CHARACTER);
  if (index < 0) return undefined;
  return value.charCodeAt(index) === 0
    ? `contains a NUL character (U+0000) at index ${index}`
    : `contains an unpaired UTF-16 surrogate at index ${index} (not valid Unicode)`;
}

export function identifierRule(maxCharacters: number): Rule {
  return (value) => {
    if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`;
    if (value.length === 0) return 'must be a non-empty string';
    if (exceedsCharacters(value, maxCharacters)) return `exceeds ${maxCharacters} characters`;
    const unstorable = unstorableCharacterProblem(value);
    if (unstorable !== undefined) return unstorable;
    if (!IDENTIFIER.test(value)) return `${IDENTIFIER_RULE_TEXT} (got ${echo(value)})`;
    return undefined;
  };
}

/** Free text that is data (content names, chunk text): anything storable, not blank. */
export function textRule(maxCharacters?: number): Rule {
  return (value) => {
    if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`;
    if (value.length === 0) return 'must be a non-empty string';
    if (!NOT_WHITESPACE.test(value)) return 'must not be only whitespace';
    const unstorable = unstorableCharacterProblem(value);
    if (unstorable !== undefined) return unstorable;
    if (maxCharacters !== undefined && exceedsCharacters(value, maxCharacters)) return `exceeds ${maxCharacters} characters`;
    return undefined;
  };
}

export const chunkIndexRule: Rule = (value) => {
  // No coercion: "1" is a string, not a chunk index.
  if (typeof value !== 'number') return `must be an integer >= 0, got ${describeType(value)}`;
  if (!Number.isInteger(value) || value < 0) return `must be an integer >= 0, got ${value}`;
  if (value > MAX_CHUNK_INDEX) return `must be at most ${MAX_CHUNK_INDEX}, got ${value}`;
  return undefined;
};

export function httpUrlRule(maxCharacters: number): Rule {
  return (value) => {
    if (typeof value !== 'string') return `must be a string, got ${describeType(value)}`;
    if (exceedsCharacters(value, maxCharacters)) return `exceeds ${maxCharacters} characters`;
    // The URL parser quietly strips surrounding whitespace and control characters; refuse them instead.
    // eslint-disable-next-line no-control-regex -- control characters are what this test looks for
    if (/[\s\u0000-\u001F\u007F]/.test(value)) return 'must be an http(s) URL without spaces or control characters';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `must be an absolute http(s) URL (got ${echo(value)})`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must use http or https, got ${echo(url.protocol)}`;
    if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
    return undefined;
  };
}

/** One of a fixed set of strings, named in the message. */
export function oneOfRule(allowed: readonly string[]): Rule {
  return (value) => {
    if (typeof value === 'string' && allowed.includes(value)) return undefined;
    const got = typeof value === 'string' ? echo(value) : describeType(value);
    return `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${got}`;
  };
}

/** No coercion: "true" is a string, not a boolean. */
export const booleanRule: Rule = (value) => (typeof value === 'boolean' ? undefined : `must be true or false, got ${describeType(value)}`);

export function nonEmptyArrayRule(itemName: string): Rule {
  return (value) => {
    if (!Array.isArray(value)) return `must be an array of ${itemName}, got ${describeType(value)}`;
    if (value.length === 0) return `must contain at least 1 ${itemName.replace(/s$/, '')}`;
    return undefined;
  };
}

export function optional(rule: Rule): Rule {
  // `null` is not "absent": a client that sends null gets told, rather than silently ignored.
  return (value) => (value === undefined ? undefined : rule(value));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

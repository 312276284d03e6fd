/**
 * Text in the costliest UTF-8, for tests of length limits: Hangul syllables
 * (3 bytes, 1 UTF-16 unit each) and astral emoji (4 bytes, 2 UTF-16 units).
 * Characters are drawn pseudo-randomly, never one repeated: PostgreSQL
 * compresses a repetitive value and would hide a size limit that real text
 * hits. The same arguments always give the same text.
 */
export interface Script {
  name: string;
  first: number;
  size: number;
  bytesPerCharacter: number;
}

export const HANGUL: Script = { name: 'Hangul', first: 0xac00, size: 11_172, bytesPerCharacter: 3 };
/** U+1F300..U+1F5FF, Miscellaneous Symbols and Pictographs: every code point assigned, none a combining mark. */
export const ASTRAL_EMOJI: Script = { name: 'astral emoji', first: 0x1f300, size: 0x300, bytesPerCharacter: 4 };
export const MULTIBYTE_SCRIPTS: readonly Script[] = [HANGUL, ASTRAL_EMOJI];

/** Characters an identifier (account_name, chat_bot_id) may hold after its first one. */
export const IDENTIFIER_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-';
/** What an Idempotency-Key may hold: U+0021..U+007E. */
export const VISIBLE_ASCII = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).join('');

/** mulberry32: 32-bit integer steps (Math.imul), so no precision is lost to floating point. */
function* pseudoRandom(seed: number): Generator<number, never> {
  let state = seed >>> 0;
  for (;;) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    yield (t ^ (t >>> 14)) >>> 0;
  }
}

/** `count` code points of `script`. */
export function variedText(script: Script, count: number, seed = count): string {
  const random = pseudoRandom(seed);
  const codePoints = Array.from({ length: count }, () => script.first + (random.next().value % script.size));
  let text = '';
  // In slices: a spread of millions of arguments would overflow the stack.
  for (let i = 0; i < count; i += 8192) text += String.fromCodePoint(...codePoints.slice(i, i + 8192));
  return text;
}

/** `prefix` followed by characters of `alphabet` up to `length` in all (the prefix supplies a valid first character). */
export function variedAscii(prefix: string, length: number, alphabet = IDENTIFIER_CHARACTERS, seed = length): string {
  const random = pseudoRandom(seed);
  let text = prefix;
  while (text.length < length) text += alphabet[random.next().value % alphabet.length];
  return text.slice(0, length);
}

export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * `make(filler)` with a filler of `script` characters (and at most
 * bytesPerCharacter - 1 ASCII letters at its end) that makes the result
 * exactly `bytes` bytes of UTF-8. `make` must not escape the filler (JSON
 * does not escape these scripts) and must grow by exactly the filler's bytes.
 */
export function fillToBytes(make: (filler: string) => string, bytes: number, script: Script, seed = bytes): string {
  const room = bytes - utf8Bytes(make(''));
  if (room < 0) throw new Error(`fillToBytes: ${bytes} bytes is less than the ${bytes - room} bytes without filler`);
  const filler = variedText(script, Math.floor(room / script.bytesPerCharacter), seed) + 'x'.repeat(room % script.bytesPerCharacter);
  const result = make(filler);
  if (utf8Bytes(result) !== bytes) throw new Error(`fillToBytes: made ${utf8Bytes(result)} bytes, not ${bytes}`);
  return result;
}

/** A metadata object whose JSON (as JSON.stringify writes it) is exactly `bytes` bytes: a key and a value in `script`. */
export function metadataOfBytes(script: Script, bytes: number, seed = bytes): Record<string, string> {
  const key = variedText(script, 4, seed + 1);
  return JSON.parse(fillToBytes((filler) => JSON.stringify({ [key]: filler }), bytes, script, seed)) as Record<string, string>;
}

/** `count` strings that together hold `text`'s code points in order, split as evenly as possible (never inside a surrogate pair). */
export function splitCodePoints(text: string, count: number): string[] {
  const characters = Array.from(text);
  return Array.from({ length: count }, (_, i) =>
    characters.slice(Math.floor((i * characters.length) / count), Math.floor(((i + 1) * characters.length) / count)).join(''),
  );
}

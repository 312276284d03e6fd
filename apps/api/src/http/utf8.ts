import { isUtf8 } from 'node:buffer';

export { isUtf8 };

/**
 * The offset of the first byte that breaks UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or -1. Only called once
 * `isUtf8` has said no, to tell the client where to look.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const continuationCount = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (continuationCount === 0) return i;
    let codePoint = lead & (0x3f >> continuationCount);
    for (let k = 1; k <= continuationCount; k += 1) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const shortestFormMinimum = [0, 0x80, 0x800, 0x10000][continuationCount]!;
    if (codePoint < shortestFormMinimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += continuationCount + 1;
  }
  return -1;
}

/**
 * BERT "basic tokenization" (uncased), written to give the same words as the
 * Rust `tokenizers` library's BertNormalizer + BertPreTokenizer, which is what
 * sentence-transformers runs for all-MiniLM-L6-v2. Where the Rust and the old
 * Python BertTokenizer disagree we follow Rust; the fixture test pins this.
 */

/**
 * Special tokens are cut out of the raw text before normalization, so a user
 * typing "[MASK]" gets the real special token, as in HF (`normalized: false`:
 * the match is case-sensitive and on the raw text).
 */
const SPECIAL_TOKEN_PATTERN = /\[(?:PAD|UNK|CLS|SEP|MASK)\]/g;

/** Cc, Cf and Co; Rust's `is_other` used by tokenizers does not treat unassigned (Cn) as control. */
const CONTROL_CHARS = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}]/gu;
const WHITESPACE = /\p{White_Space}/gu;

/**
 * The CJK Unified Ideograph blocks tokenizers puts spaces around. The fifth range
 * starts at U+2B920 (Python's BertTokenizer says U+2B820; the Rust code, which we
 * match, differs there).
 */
const CJK_IDEOGRAPH =
  /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;

const NONSPACING_MARK = /\p{Mn}/gu;

/** Unicode punctuation plus the ASCII symbols BERT also counts as punctuation ($ + < = > ^ ` | ~). */
const PUNCTUATION_SPLIT = /([\p{P}$+<=>^`|~])/u;

export interface TextSegment {
  text: string;
  special: boolean;
}

export function splitOnSpecialTokens(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(SPECIAL_TOKEN_PATTERN)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ text: text.slice(last, start), special: false });
    segments.push({ text: match[0], special: true });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), special: false });
  return segments;
}

/** clean text, space out CJK ideographs, NFD + drop Mn (accents), lowercase: in the Rust order. */
export function normalizeBertText(text: string): string {
  const cleaned = text.replace(CONTROL_CHARS, '').replace(WHITESPACE, ' ');
  const spaced = cleaned.replace(CJK_IDEOGRAPH, ' $& ');
  const stripped = spaced.normalize('NFD').replace(NONSPACING_MARK, '');
  // Rust lowercases char by char, so a final capital sigma becomes σ, never the
  // context-dependent ς that String#toLowerCase would produce.
  return stripped.replace(/\u03A3/g, '\u03C3').toLowerCase();
}

/** Splits normalized text on whitespace and isolates every punctuation character. */
export function preTokenize(normalized: string): string[] {
  const words: string[] = [];
  for (const chunk of normalized.split(' ')) {
    if (chunk === '') continue;
    for (const piece of chunk.split(PUNCTUATION_SPLIT)) {
      if (piece !== '') words.push(piece);
    }
  }
  return words;
}

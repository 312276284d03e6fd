import { readFileSync } from 'node:fs';
import { normalizeBertText, preTokenize, splitOnSpecialTokens } from './bert-basic-tokenizer';

/** all-MiniLM-L6-v2's max_seq_length; sentence-transformers truncates there, not at BERT's 512. */
export const DEFAULT_MAX_TOKENS = 256;
/** Longer words become [UNK] whole, as in BERT. */
const MAX_CHARS_PER_WORD = 100;
const CONTINUATION_PREFIX = '##';

/** One batch as ONNX inputs: row-major [batchSize, sequenceLength], padded with [PAD] to the longest text. */
export interface EncodedBatch {
  batchSize: number;
  sequenceLength: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

export interface WordPieceTokenizerOptions {
  maxTokens?: number;
}

/** BERT uncased WordPiece tokenizer (bert-base-uncased vocabulary), matching Hugging Face's token ids exactly. */
export class WordPieceTokenizer {
  private readonly maxTokens: number;
  private readonly unkId: number;
  private readonly clsId: number;
  private readonly sepId: number;
  private readonly padId: number;

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    options: WordPieceTokenizerOptions = {},
  ) {
    this.maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    if (this.maxTokens < 2) throw new Error('maxTokens must leave room for [CLS] and [SEP]');
    this.unkId = requireToken(vocab, '[UNK]');
    this.clsId = requireToken(vocab, '[CLS]');
    this.sepId = requireToken(vocab, '[SEP]');
    this.padId = requireToken(vocab, '[PAD]');
  }

  /** vocab.txt: one token per line, the line number is the id. */
  static fromVocabFile(path: string, options?: WordPieceTokenizerOptions): WordPieceTokenizer {
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const vocab = new Map<string, number>();
    lines.forEach((line, id) => {
      const token = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (!vocab.has(token)) vocab.set(token, id);
    });
    return new WordPieceTokenizer(vocab, options);
  }

  /** Token ids with [CLS] and [SEP], truncated to maxTokens. */
  encode(text: string): number[] {
    const budget = this.maxTokens - 2;
    const ids: number[] = [this.clsId];
    for (const segment of splitOnSpecialTokens(text)) {
      if (segment.special) {
        ids.push(requireToken(this.vocab, segment.text));
      } else {
        for (const word of preTokenize(normalizeBertText(segment.text))) {
          ids.push(...this.wordPiece(word));
          if (ids.length > budget) break;
        }
      }
      if (ids.length > budget) break;
    }
    ids.length = Math.min(ids.length, budget + 1);
    ids.push(this.sepId);
    return ids;
  }

  encodeBatch(texts: readonly string[]): EncodedBatch {
    const encoded = texts.map((text) => this.encode(text));
    const sequenceLength = Math.max(0, ...encoded.map((ids) => ids.length));
    const size = texts.length * sequenceLength;
    const inputIds = new BigInt64Array(size).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(size);
    encoded.forEach((ids, row) => {
      const offset = row * sequenceLength;
      ids.forEach((id, column) => {
        inputIds[offset + column] = BigInt(id);
        attentionMask[offset + column] = 1n;
      });
    });
    // Single-sentence input: every token is segment 0.
    const tokenTypeIds = new BigInt64Array(size);
    return { batchSize: texts.length, sequenceLength, inputIds, attentionMask, tokenTypeIds };
  }

  /** Greedy longest-match-first over code points; a word with any unmatched rest is one [UNK]. */
  private wordPiece(word: string): number[] {
    const chars = Array.from(word);
    if (chars.length > MAX_CHARS_PER_WORD) return [this.unkId];
    // UTF-16 offsets of code point boundaries, so slices never split a surrogate pair.
    const bounds = [0];
    for (const char of chars) bounds.push(bounds[bounds.length - 1]! + char.length);

    const pieces: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (end > start) {
        const piece = word.slice(bounds[start], bounds[end]);
        found = this.vocab.get(start > 0 ? CONTINUATION_PREFIX + piece : piece);
        if (found !== undefined) break;
        end -= 1;
      }
      if (found === undefined) return [this.unkId];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}

function requireToken(vocab: ReadonlyMap<string, number>, token: string): number {
  const id = vocab.get(token);
  if (id === undefined) throw new Error(`Vocabulary has no ${token} token`);
  return id;
}

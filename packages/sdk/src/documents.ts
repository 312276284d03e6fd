import type { ChunkInput, DocumentInput } from './types';

/**
 * Reading a documents file for the CLI: a JSON array of documents, a JSON
 * object `{documents: [...]}` (a request body), or JSON Lines (one document
 * per line). A document is `{chat_bot_id?, content_name, chunks | text,
 * metadata?}`: `text` is one chunk; `chunks` may be `{chunk_index, text}`
 * objects or plain strings (indexed in order). The server validates the rest.
 */
export class DocumentFileError extends Error {
  override name = 'DocumentFileError';
}

export interface ParseOptions {
  /** chat_bot_id for documents that have none (the CLI's --bot). */
  defaultBotId?: string;
}

export function parseDocumentsText(text: string, options: ParseOptions = {}): DocumentInput[] {
  const source = text.replace(/^\uFEFF/, '');
  if (source.trim() === '') throw new DocumentFileError('the file holds no documents');
  const records = readRecords(source);
  if (records.length === 0) throw new DocumentFileError('the file holds no documents');
  return records.map(({ value, where }) => toDocument(value, where, options));
}

interface RawRecord {
  value: unknown;
  /** For messages: `line 3` (JSONL) or `document 3` (JSON, 1-based). */
  where: string;
}

function readRecords(source: string): RawRecord[] {
  let whole: unknown;
  let wholeParsed = false;
  try {
    whole = JSON.parse(source);
    wholeParsed = true;
  } catch {
    // JSON Lines, or broken JSON (told apart below)
  }
  if (wholeParsed) {
    if (Array.isArray(whole)) return whole.map((value, i) => ({ value, where: `document ${i + 1}` }));
    if (isObject(whole) && Array.isArray(whole.documents)) {
      return whole.documents.map((value, i) => ({ value, where: `document ${i + 1}` }));
    }
    return [{ value: whole, where: 'document 1' }];
  }
  if (source.trimStart().startsWith('[')) {
    throw new DocumentFileError('the file starts with "[" but is not valid JSON');
  }
  const records: RawRecord[] = [];
  const lines = source.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push({ value: JSON.parse(line), where: `line ${i + 1}` });
    } catch (error) {
      throw new DocumentFileError(`line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
  });
  return records;
}

function toDocument(value: unknown, where: string, options: ParseOptions): DocumentInput {
  if (!isObject(value)) throw new DocumentFileError(`${where}: a document must be a JSON object`);
  const { chat_bot_id: botId, content_name: contentName, chunks, text, metadata, ...rest } = value;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new DocumentFileError(`${where}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  const chatBotId = botId ?? options.defaultBotId;
  if (typeof chatBotId !== 'string' || chatBotId === '') {
    throw new DocumentFileError(`${where}: no chat_bot_id (give it in the document or with --bot)`);
  }
  if (typeof contentName !== 'string' || contentName.trim() === '') {
    throw new DocumentFileError(`${where}: content_name must be a non-empty string`);
  }
  let chunkList: ChunkInput[];
  if (chunks !== undefined && text !== undefined) {
    throw new DocumentFileError(`${where}: give either chunks or text, not both`);
  } else if (text !== undefined) {
    if (typeof text !== 'string') throw new DocumentFileError(`${where}: text must be a string`);
    chunkList = [{ chunk_index: 0, text }];
  } else if (Array.isArray(chunks)) {
    chunkList = chunks.map((chunk, i) => (typeof chunk === 'string' ? { chunk_index: i, text: chunk } : (chunk as ChunkInput)));
  } else {
    throw new DocumentFileError(`${where}: needs chunks (an array) or text (a string)`);
  }
  if (metadata !== undefined && !isObject(metadata)) throw new DocumentFileError(`${where}: metadata must be a JSON object`);
  return {
    chat_bot_id: chatBotId,
    content_name: contentName,
    chunks: chunkList,
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

/** Splits documents into jobs of at most `maxPerJob`, keeping their order. */
export function splitIntoJobs<T>(documents: readonly T[], maxPerJob: number): T[][] {
  if (!Number.isInteger(maxPerJob) || maxPerJob < 1) throw new RangeError('maxPerJob must be a positive integer');
  const parts: T[][] = [];
  for (let start = 0; start < documents.length; start += maxPerJob) parts.push(documents.slice(start, start + maxPerJob));
  return parts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

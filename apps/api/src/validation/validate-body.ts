import { ValidationFailedError, type DocumentInput, type OnExisting } from '@nonstop/core';
import { BatchInsertDto, ChunkDto, DocumentDto } from './batch-insert.dto';
import { describeType, exceedsCharacters, isPlainObject } from './field-rules';
import { indexPath, keyPath } from './field-path';
import { checkMetadata } from './json-metadata';
import { ProblemList } from './problem-list';
import { checkDeclaredRules, checkWithClassValidator } from './dto-check';

export interface BatchInsertLimits {
  /** maxDocumentsPerRequest for the synchronous endpoint, maxDocumentsPerJob for jobs. */
  maxDocuments: number;
  maxChunksPerDocument: number;
  maxChunkTextLength: number;
  maxMetadataBytes: number;
}

/** A validated body as plain data (no DTO instances): what the routes hand on. */
export interface BatchInsertRequest {
  account_name: string;
  documents: DocumentInput[];
  webhook_url?: string;
  /** Absent means "fail" (see onExistingOf). */
  on_existing?: OnExisting;
  dry_run?: boolean;
}

export function onExistingOf(request: BatchInsertRequest): OnExisting {
  return request.on_existing ?? 'fail';
}

/**
 * Validates a parsed JSON body, or throws ValidationFailedError listing every
 * problem with its path (`documents[3].chunks[0].text`). Values are never
 * coerced and never changed: what passes is returned as sent.
 */
export function validateBatchInsertBody(body: unknown, limits: BatchInsertLimits): BatchInsertRequest {
  if (!isPlainObject(body)) {
    throw new ValidationFailedError([{ field: 'body', problem: `must be a JSON object, got ${describeType(body)}` }]);
  }
  const problems = new ProblemList();
  checkWithClassValidator(BatchInsertDto, body, '', problems);
  const { documents } = body;
  if (Array.isArray(documents)) {
    // Counted before anything looks inside: a body with a million documents fails in constant time.
    if (documents.length > limits.maxDocuments) {
      problems.add('documents', `has ${documents.length} documents; the limit is ${limits.maxDocuments}`);
    } else {
      for (let i = 0; i < documents.length && !problems.full; i += 1) {
        validateDocument(documents[i], indexPath('documents', i), limits, problems);
      }
    }
  }
  if (!problems.isEmpty) throw new ValidationFailedError(problems.toDetails());
  return toRequest(body as unknown as BatchInsertDto);
}

function validateDocument(document: unknown, path: string, limits: BatchInsertLimits, problems: ProblemList): void {
  if (!isPlainObject(document)) {
    problems.add(path, `must be an object, got ${describeType(document)}`);
    return;
  }
  const invalid = checkWithClassValidator(DocumentDto, document, path, problems);
  const { chunks, metadata } = document;
  if (!invalid.has('metadata') && isPlainObject(metadata)) {
    checkMetadata(metadata, keyPath(path, 'metadata'), limits.maxMetadataBytes, problems);
  }
  if (invalid.has('chunks') || !Array.isArray(chunks)) return;
  const chunksPath = keyPath(path, 'chunks');
  if (chunks.length > limits.maxChunksPerDocument) {
    problems.add(chunksPath, `has ${chunks.length} chunks; the limit is ${limits.maxChunksPerDocument}`);
    return;
  }
  const firstPositionOfIndex = new Map<number, number>();
  for (let j = 0; j < chunks.length && !problems.full; j += 1) {
    const chunkPath = indexPath(chunksPath, j);
    const chunkIndex = validateChunk(chunks[j], chunkPath, limits, problems);
    if (chunkIndex === undefined) continue;
    const first = firstPositionOfIndex.get(chunkIndex);
    if (first === undefined) firstPositionOfIndex.set(chunkIndex, j);
    else problems.add(keyPath(chunkPath, 'chunk_index'), `duplicate chunk_index ${chunkIndex} (also at ${indexPath(chunksPath, first)})`);
  }
}

/** Returns the chunk's index when it is valid, for the duplicate check. */
function validateChunk(chunk: unknown, path: string, limits: BatchInsertLimits, problems: ProblemList): number | undefined {
  if (!isPlainObject(chunk)) {
    problems.add(path, `must be an object, got ${describeType(chunk)}`);
    return undefined;
  }
  const invalid = checkDeclaredRules(ChunkDto, chunk, path, problems);
  const { text, chunk_index: chunkIndex } = chunk;
  if (!invalid.has('text') && typeof text === 'string' && exceedsCharacters(text, limits.maxChunkTextLength)) {
    problems.add(keyPath(path, 'text'), `exceeds ${limits.maxChunkTextLength} characters`);
  }
  return invalid.has('chunk_index') ? undefined : (chunkIndex as number);
}

function toRequest(body: BatchInsertDto): BatchInsertRequest {
  const documents = body.documents.map((document): DocumentInput => ({
    chat_bot_id: document.chat_bot_id,
    content_name: document.content_name,
    chunks: document.chunks.map((chunk) => ({ chunk_index: chunk.chunk_index, text: chunk.text })),
    ...(document.metadata !== undefined && { metadata: document.metadata }),
  }));
  return {
    account_name: body.account_name,
    documents,
    ...(body.webhook_url !== undefined && { webhook_url: body.webhook_url }),
    ...(body.on_existing !== undefined && { on_existing: body.on_existing }),
    ...(body.dry_run !== undefined && { dry_run: body.dry_run }),
  };
}

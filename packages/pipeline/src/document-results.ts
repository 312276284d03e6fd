import {
  DocumentErrorCode,
  type DocumentAction,
  type DocumentInput,
  type DocumentResult,
  type ExistingDocument,
  type StoredDocument,
} from '@nonstop/core';

export const ALREADY_EXISTS_MESSAGE = 'document already exists';

export function succeeded(document: StoredDocument, action: 'inserted' | 'replaced'): DocumentResult {
  return {
    content_name: document.content_name,
    chat_bot_id: document.chat_bot_id,
    success: true,
    doc_id: document.doc_id,
    chunks_count: document.chunks.length,
    action,
  };
}

/** skip_unchanged found the document as it is (or with other metadata only): no new version. */
export function skipped(
  document: DocumentInput,
  existing: ExistingDocument,
  action: Extract<DocumentAction, 'unchanged' | 'metadata_updated'>,
): DocumentResult {
  return {
    content_name: document.content_name,
    chat_bot_id: document.chat_bot_id,
    success: true,
    doc_id: existing.doc_id,
    chunks_count: existing.chunks_count,
    action,
  };
}

export function concurrentWrite(document: DocumentInput): DocumentResult {
  return failed(
    document,
    DocumentErrorCode.concurrentWrite,
    'another job is writing a version of this document right now; retry this document once that job ends',
  );
}

export function failed(document: DocumentInput, code: DocumentErrorCode, error: string): DocumentResult {
  return {
    content_name: document.content_name,
    chat_bot_id: document.chat_bot_id,
    success: false,
    chunks_count: 0,
    error,
    error_code: code,
  };
}

export function alreadyExists(document: DocumentInput): DocumentResult {
  return failed(document, DocumentErrorCode.alreadyExists, ALREADY_EXISTS_MESSAGE);
}

export function duplicateInRequest(document: DocumentInput, firstPosition: number): DocumentResult {
  return failed(
    document,
    DocumentErrorCode.duplicateInRequest,
    `${ALREADY_EXISTS_MESSAGE} (same chat_bot_id and content_name as documents[${firstPosition}] of this request)`,
  );
}

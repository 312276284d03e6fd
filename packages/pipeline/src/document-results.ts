import { DocumentErrorCode, type DocumentInput, type DocumentResult, type StoredDocument } from '@nonstop/core';

export const ALREADY_EXISTS_MESSAGE = 'document already exists';

export function succeeded(document: StoredDocument): DocumentResult {
  return {
    content_name: document.content_name,
    chat_bot_id: document.chat_bot_id,
    success: true,
    doc_id: document.doc_id,
    chunks_count: document.chunks.length,
  };
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
  return failed(document, DocumentErrorCode.duplicateInRequest,
    `${ALREADY_EXISTS_MESSAGE} (same chat_bot_id and content_name as documents[${firstPosition}] of this request)`);
}

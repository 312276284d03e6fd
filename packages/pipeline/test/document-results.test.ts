import { DocumentErrorCode, type DocumentInput, type StoredDocument } from '@nonstop/core';
import { ALREADY_EXISTS_MESSAGE, alreadyExists, duplicateInRequest, failed, succeeded } from '../src/document-results';

const input: DocumentInput = {
  chat_bot_id: 'bot001',
  content_name: 'https://example.com/a',
  chunks: [
    { chunk_index: 0, text: 'a' },
    { chunk_index: 1, text: 'b' },
  ],
  metadata: { title: 't' },
};

describe('document results', () => {
  it('succeeded reports the stored id and the number of stored chunks', () => {
    const stored: StoredDocument = {
      doc_id: 17,
      chat_bot_id: 'bot001',
      content_name: 'https://example.com/a',
      chunks: [1, 2, 3].map((n) => ({ chunk_id: n, chunk_index: n - 1, text: `t${n}` })),
    };
    expect(succeeded(stored, 'replaced')).toEqual({
      content_name: 'https://example.com/a',
      chat_bot_id: 'bot001',
      success: true,
      doc_id: 17,
      chunks_count: 3,
      action: 'replaced',
    });
  });

  it.each([
    ['failed', failed(input, DocumentErrorCode.timeout, 'took too long'), 'timeout', 'took too long'],
    ['alreadyExists', alreadyExists(input), 'already_exists', 'document already exists'],
    [
      'duplicateInRequest',
      duplicateInRequest(input, 4),
      'duplicate_in_request',
      'document already exists (same chat_bot_id and content_name as documents[4] of this request)',
    ],
  ])('%s is a failure with no chunks, no doc_id and its code', (_name, result, code, message) => {
    expect(result).toEqual({
      content_name: 'https://example.com/a',
      chat_bot_id: 'bot001',
      success: false,
      chunks_count: 0,
      error: message,
      error_code: code,
    });
    expect(result).not.toHaveProperty('doc_id');
  });

  it('the duplicate message starts with the already-exists message', () => {
    expect(duplicateInRequest(input, 0).error?.startsWith(ALREADY_EXISTS_MESSAGE)).toBe(true);
    expect(ALREADY_EXISTS_MESSAGE).toBe('document already exists');
  });
});

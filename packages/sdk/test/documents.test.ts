import { DocumentFileError, parseDocumentsText, splitIntoJobs } from '../src/documents';

describe('reading a documents file', () => {
  it('reads JSON Lines; a plain text is one chunk; --bot fills a missing chat_bot_id', () => {
    const text = [
      JSON.stringify({ content_name: 'a', text: '첫 번째 문서' }),
      '',
      JSON.stringify({
        chat_bot_id: 'other',
        content_name: 'b',
        chunks: [
          { chunk_index: 0, text: 'x' },
          { chunk_index: 1, text: 'y' },
        ],
        metadata: { t: 1 },
      }),
      JSON.stringify({ content_name: 'c', chunks: ['p', 'q'] }),
    ].join('\r\n');
    expect(parseDocumentsText(text, { defaultBotId: 'bot1' })).toEqual([
      { chat_bot_id: 'bot1', content_name: 'a', chunks: [{ chunk_index: 0, text: '첫 번째 문서' }] },
      {
        chat_bot_id: 'other',
        content_name: 'b',
        chunks: [
          { chunk_index: 0, text: 'x' },
          { chunk_index: 1, text: 'y' },
        ],
        metadata: { t: 1 },
      },
      {
        chat_bot_id: 'bot1',
        content_name: 'c',
        chunks: [
          { chunk_index: 0, text: 'p' },
          { chunk_index: 1, text: 'q' },
        ],
      },
    ]);
  });

  it('reads a JSON array, a request body, and a single object (with a BOM)', () => {
    const docs = [{ chat_bot_id: 'b', content_name: 'a', text: 't' }];
    const expected = [{ chat_bot_id: 'b', content_name: 'a', chunks: [{ chunk_index: 0, text: 't' }] }];
    expect(parseDocumentsText(JSON.stringify(docs, null, 2))).toEqual(expected);
    expect(parseDocumentsText(JSON.stringify({ account_name: 'x', documents: docs }))).toEqual(expected);
    expect(parseDocumentsText(`\uFEFF${JSON.stringify(docs[0])}`)).toEqual(expected);
  });

  it('names the line or document at fault', () => {
    expect(() => parseDocumentsText('{"content_name":"a","text":"t","chat_bot_id":"b"}\n{oops')).toThrow(/^line 2: not valid JSON/);
    expect(() => parseDocumentsText('{"content_name":"a","text":"t"}')).toThrow(
      'document 1: no chat_bot_id (give it in the document or with --bot)',
    );
    expect(() => parseDocumentsText('[{"chat_bot_id":"b","content_name":"a"}]')).toThrow(
      'document 1: needs chunks (an array) or text (a string)',
    );
    expect(() => parseDocumentsText('[{"chat_bot_id":"b","content_name":"a","text":"t","chunks":[]}]')).toThrow('both');
    expect(() => parseDocumentsText('[{"chat_bot_id":"b","content_name":"a","text":"t","extra":1}]')).toThrow('unknown field "extra"');
    expect(() => parseDocumentsText('[{"chat_bot_id":"b","content_name":"","text":"t"}]')).toThrow('content_name');
    expect(() => parseDocumentsText('[1,')).toThrow('not valid JSON');
    expect(() => parseDocumentsText('  \n')).toThrow(DocumentFileError);
    expect(() => parseDocumentsText('[]')).toThrow('no documents');
    expect(() => parseDocumentsText('["x"]')).toThrow('document 1: a document must be a JSON object');
  });

  it('splits into jobs of at most the per-job limit, in order', () => {
    const docs = Array.from({ length: 25 }, (_, i) => i);
    const parts = splitIntoJobs(docs, 10);
    expect(parts.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(parts.flat()).toEqual(docs);
    expect(splitIntoJobs(docs, 25)).toEqual([docs]);
    expect(splitIntoJobs([], 5)).toEqual([]);
    expect(() => splitIntoJobs(docs, 0)).toThrow(RangeError);
  });
});

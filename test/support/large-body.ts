import { gzipSync } from 'node:zlib';

export interface LargeBody {
  /** The JSON text's size in bytes: exactly the size asked for. */
  bytes: number;
  documents: number;
  gzip: Buffer;
}

const CHUNKS_PER_DOCUMENT = 10;
const CHUNK_CHARACTERS = 10_000;

/**
 * A valid POST /job/batch-insert body of exactly `bytes` bytes of JSON
 * (the largest a limit admits, when `bytes` is that limit), gzipped: text
 * that repeats compresses a thousandfold, as a hostile client's would.
 */
export function largeJobBody(account: string, bytes: number): LargeBody {
  const text = 'Retrieval-augmented generation 검색 증강 생성 '.repeat(CHUNK_CHARACTERS / 40).slice(0, CHUNK_CHARACTERS);
  const documentBytes =
    Buffer.byteLength(
      JSON.stringify({
        chat_bot_id: 'bot001',
        content_name: 'https://example.com/large/00000',
        chunks: Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, i) => ({ chunk_index: i, text })),
      }),
    ) + 1;
  const count = Math.max(1, Math.floor((bytes - 200) / documentBytes));
  const documents = Array.from({ length: count }, (_, n) => ({
    chat_bot_id: 'bot001',
    content_name: `https://example.com/large/${n}`,
    chunks: Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, i) => ({ chunk_index: i, text })),
  }));
  const body = { account_name: account, documents };
  const short = bytes - Buffer.byteLength(JSON.stringify(body));
  if (short < 0) throw new Error(`a body of ${bytes} bytes cannot hold one document of ${documentBytes} bytes`);
  let padding = short;
  for (const chunk of documents.flatMap((document) => document.chunks)) {
    if (padding === 0) break;
    const added = Math.min(padding, CHUNK_CHARACTERS); // chunks stay within MAX_CHUNK_TEXT_LENGTH (20,000 by default)
    chunk.text += 'x'.repeat(added);
    padding -= added;
  }
  const json = JSON.stringify(body);
  return { bytes: Buffer.byteLength(json), documents: count, gzip: gzipSync(json) };
}

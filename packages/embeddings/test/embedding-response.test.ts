import { InvalidEmbeddingResponseError, decodeFloat32Base64, parseEmbeddingResponse, serverErrorMessage } from '../src/embedding-response';

function base64Of(values: number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

describe('decodeFloat32Base64', () => {
  it('reads little-endian float32', () => {
    // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0 (little-endian)
    expect(decodeFloat32Base64(Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]).toString('base64'))).toEqual([1, -2]);
    expect(decodeFloat32Base64(base64Of([0.25, -0.5, 3]))).toEqual([0.25, -0.5, 3]);
    expect(decodeFloat32Base64('')).toEqual([]);
  });

  it('rejects a byte count that is not a multiple of 4', () => {
    expect(() => decodeFloat32Base64(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(InvalidEmbeddingResponseError);
  });
});

describe('parseEmbeddingResponse', () => {
  it('orders by index and accepts base64 and number arrays alike', () => {
    const body = {
      data: [
        { index: 1, embedding: [0, 1] },
        { index: 0, embedding: base64Of([1, 0]) },
      ],
    };
    expect(parseEmbeddingResponse(body, 2, 2)).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('uses position when a server sends no index', () => {
    expect(parseEmbeddingResponse({ data: [{ embedding: [1] }, { embedding: [2] }] }, 2, undefined)).toEqual([[1], [2]]);
  });

  it.each([
    ['no data', {}, 1, 2],
    ['too few embeddings', { data: [{ index: 0, embedding: [1, 2] }] }, 2, 2],
    [
      'duplicate index',
      {
        data: [
          { index: 0, embedding: [1, 2] },
          { index: 0, embedding: [1, 2] },
        ],
      },
      2,
      2,
    ],
    ['index out of range', { data: [{ index: 3, embedding: [1, 2] }] }, 1, 2],
    ['wrong dimension', { data: [{ index: 0, embedding: [1, 2, 3] }] }, 1, 2],
    [
      'dimensions differ within a response',
      {
        data: [
          { index: 0, embedding: [1] },
          { index: 1, embedding: [1, 2] },
        ],
      },
      2,
      undefined,
    ],
    ['empty vector', { data: [{ index: 0, embedding: [] }] }, 1, undefined],
    ['not a number', { data: [{ index: 0, embedding: [1, 'x'] }] }, 1, 2],
    ['NaN', { data: [{ index: 0, embedding: base64Of([1, Number.NaN]) }] }, 1, 2],
    ['neither base64 nor array', { data: [{ index: 0, embedding: { x: 1 } }] }, 1, 2],
  ])('rejects %s', (_name, body, count, dimension) => {
    expect(() => parseEmbeddingResponse(body, count, dimension)).toThrow(InvalidEmbeddingResponseError);
  });
});

describe('serverErrorMessage', () => {
  it.each([
    ['OpenAI / vLLM', '{"error":{"message":"too many tokens","type":"invalid_request_error"}}', 'too many tokens'],
    ['text-embeddings-inference', '{"error":"Input validation error","error_type":"Validation"}', 'Input validation error'],
    ['older vLLM', '{"object":"error","message":"bad model","type":"BadRequestError"}', 'bad model'],
    ['FastAPI', '{"detail":"Not Found"}', 'Not Found'],
    ['plain text', 'upstream connect error', 'upstream connect error'],
    ['empty body', '', 'no error message'],
  ])('%s', (_name, body, expected) => {
    expect(serverErrorMessage(body)).toBe(expected);
  });

  it('keeps long bodies short', () => {
    expect(serverErrorMessage('x'.repeat(2000)).length).toBeLessThan(510);
  });
});

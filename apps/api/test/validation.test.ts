import { ValidationFailedError, type FieldProblem } from '@nonstop/core';
import { ChunkDto } from '../src/validation/batch-insert.dto';
import { checkDeclaredRules, checkWithClassValidator } from '../src/validation/dto-check';
import { ProblemList } from '../src/validation/problem-list';
import { validateBatchInsertBody, type BatchInsertLimits } from '../src/validation/validate-body';
import { badBodies, doc0, goodBody, limits, mutated, type Body } from './bad-bodies';

/** Runs the validator and returns the problems it reported (fails the test if it accepted the body). */
function problemsOf(body: unknown, withLimits: BatchInsertLimits = limits): FieldProblem[] {
  try {
    validateBatchInsertBody(body, withLimits);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    const failure = error as ValidationFailedError;
    expect(failure.status).toBe(400);
    expect(failure.code).toBe('validation_failed');
    return failure.details ?? [];
  }
  throw new Error('body was accepted but should have been rejected');
}

describe('validateBatchInsertBody rejects bad bodies, naming the field', () => {
  it('has a broad table', () => {
    expect(badBodies.length).toBeGreaterThanOrEqual(40);
  });

  // Every row gets four cells: jest would pass its `done` callback in a missing one.
  it.each(badBodies.map(([name, body, field, problem]) => [name, body, field, problem ?? null] as const))(
    '%s',
    (_name, body, field, problem) => {
      const problems = problemsOf(body);
      const atField = problems.filter((p) => p.field === field);
      expect({ field, reported: atField.length > 0 ? atField : problems }).toEqual({
        field,
        reported: [expect.objectContaining({ field })],
      });
      if (problem !== null) expect(atField[0]!.problem).toMatch(problem);
    },
  );
});

describe('validateBatchInsertBody reports everything at once', () => {
  it('lists every problem across levels, in body order', () => {
    const body = mutated((b) => {
      b.account_name = 'a b';
      b.extra = 1;
      doc0(b).chat_bot_id = 5;
      doc0(b).chunks[1] = { chunk_index: '1', text: '' };
      b.documents[1].metadata = [];
    });
    expect(problemsOf(body).map((p) => p.field)).toEqual([
      'extra',
      'account_name',
      'documents[0].chat_bot_id',
      'documents[0].chunks[1].chunk_index',
      'documents[0].chunks[1].text',
      'documents[1].metadata',
    ]);
  });

  it('counts a million documents without looking inside them', () => {
    const body = { account_name: 'acc', documents: new Array(1_000_000).fill('not even an object') };
    const started = process.hrtime.bigint();
    const problems = problemsOf(body);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
    expect(problems).toEqual([{ field: 'documents', problem: 'has 1000000 documents; the limit is 3' }]);
  });

  it('does not look inside a document with too many chunks', () => {
    const body = mutated((b) => {
      doc0(b).chunks = new Array(10).fill(null);
    });
    expect(problemsOf(body)).toEqual([{ field: 'documents[0].chunks', problem: 'has 10 chunks; the limit is 4' }]);
  });

  it('stops after 1000 problems and says so', () => {
    const body = {
      account_name: 'acc',
      documents: [{ chat_bot_id: 'b', content_name: 'c', chunks: new Array(5000).fill({ chunk_index: -1, text: 't' }) }],
    };
    const problems = problemsOf(body, { ...limits, maxChunksPerDocument: 10_000 });
    expect(problems).toHaveLength(1001);
    expect(problems[999]!.field).toBe('documents[0].chunks[999].chunk_index');
    expect(problems[1000]).toEqual({ field: 'body', problem: 'validation stopped after 1000 problems; there may be more' });
  });

  it('reports each duplicate chunk_index against its first occurrence', () => {
    const body = mutated((b) => {
      doc0(b).chunks = [
        { chunk_index: 2, text: 'a' },
        { chunk_index: 0, text: 'b' },
        { chunk_index: 2, text: 'c' },
        { chunk_index: 2, text: 'd' },
      ];
    });
    expect(problemsOf(body)).toEqual([
      { field: 'documents[0].chunks[2].chunk_index', problem: 'duplicate chunk_index 2 (also at documents[0].chunks[0])' },
      { field: 'documents[0].chunks[3].chunk_index', problem: 'duplicate chunk_index 2 (also at documents[0].chunks[0])' },
    ]);
  });

  it('keeps Korean echoes intact and cuts long echoes without splitting characters', () => {
    const korean = problemsOf(
      mutated((b) => {
        doc0(b).chat_bot_id = '한국어 봇';
      }),
    ).find((p) => p.field === 'documents[0].chat_bot_id');
    expect(korean!.problem).toContain('(got "한국어 봇")');
    const long = problemsOf(
      mutated((b) => {
        b.account_name = '😀'.repeat(60);
      }),
    )[0]!;
    expect(long.problem).toContain(`(got "${'😀'.repeat(40)}"... (60 characters))`);
    expect(long.problem).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(long.problem.length).toBeLessThan(250);
  });

  it('produces an error whose message and details survive JSON', () => {
    try {
      validateBatchInsertBody(
        mutated((b) => {
          doc0(b).content_name = '\uD800';
        }),
        limits,
      );
    } catch (error) {
      const json = JSON.stringify({ message: (error as Error).message, details: (error as ValidationFailedError).details });
      expect(Buffer.from(json, 'utf8').toString('utf8')).toBe(json);
      expect(json).toContain('documents[0].content_name');
      return;
    }
    throw new Error('expected a failure');
  });
});

describe('validateBatchInsertBody accepts good bodies unchanged', () => {
  const goodBodies: [string, Body][] = [
    ['the mission example', goodBody()],
    [
      'Korean',
      {
        account_name: 'team_kr',
        documents: [
          {
            chat_bot_id: 'bot-01',
            content_name: '인공지능 학습 가이드',
            chunks: [{ chunk_index: 0, text: '첫 번째 문단입니다.' }],
            metadata: { 제목: 'AI 학습', 저자: '김개발' },
          },
        ],
      },
    ],
    [
      'English without optional fields',
      {
        account_name: 'acme.prod:eu-1',
        documents: [
          { chat_bot_id: 'support_bot', content_name: 'faq.md', chunks: [{ chunk_index: 0, text: 'How do I reset my password?' }] },
        ],
      },
    ],
    [
      'mixed Korean and English',
      {
        account_name: 'chatty',
        documents: [
          {
            chat_bot_id: 'bot001',
            content_name: 'RAG 파이프라인 overview',
            chunks: [
              { chunk_index: 3, text: 'Milvus에 vector를 저장합니다.' },
              { chunk_index: 1, text: 'PostgreSQL first' },
            ],
          },
        ],
      },
    ],
    [
      'emoji, counted as characters not UTF-16 units',
      {
        account_name: 'a',
        documents: [{ chat_bot_id: 'b', content_name: '🎉 launch', chunks: [{ chunk_index: 0, text: '😀'.repeat(50) }] }],
      },
    ],
    [
      'quotes, backslashes and a query string in content_name',
      {
        account_name: 'a',
        documents: [
          {
            chat_bot_id: 'b',
            content_name: 'C:\\docs\\"quoted" \'single\' https://x.example/?q=a"b&c=\\u0000',
            chunks: [{ chunk_index: 0, text: 'He said "hi" \\ bye' }],
          },
        ],
      },
    ],
    [
      'boundaries: max chunk_index, max text, 4 chunks, 3 documents',
      {
        account_name: 'a'.repeat(128),
        documents: [0, 1, 2].map((d) => ({
          chat_bot_id: 'b',
          content_name: 'n'.repeat(2048),
          chunks: [2_147_483_647, 0, 7, 8].map((i) => ({ chunk_index: i, text: 'x'.repeat(50) })),
        })),
      },
    ],
    [
      'two documents with the same identity (the pipeline reports the second)',
      {
        account_name: 'a',
        documents: [0, 1].map(() => ({ chat_bot_id: 'b', content_name: 'same', chunks: [{ chunk_index: 0, text: 't' }] })),
      },
    ],
    [
      'metadata keys class-transformer would drop',
      {
        account_name: 'a',
        documents: [
          {
            chat_bot_id: 'b',
            content_name: 'c',
            chunks: [{ chunk_index: 0, text: 't' }],
            metadata: { constructor: 'x', toString: 1, nested: { valueOf: [null, true, 1.5] } },
          },
        ],
      },
    ],
    [
      'metadata nested exactly 8 levels',
      {
        account_name: 'a',
        documents: [
          {
            chat_bot_id: 'b',
            content_name: 'c',
            chunks: [{ chunk_index: 0, text: 't' }],
            metadata: { a: { b: { c: { d: { e: { f: { g: {} } } } } } } },
          },
        ],
      },
    ],
    [
      'an http webhook',
      mutated((b) => {
        b.webhook_url = 'http://localhost:8080/hook?x=1';
      }),
    ],
  ];

  it.each(goodBodies)('%s', (_name, body) => {
    const before = JSON.stringify(body);
    const request = validateBatchInsertBody(body, limits);
    expect(request).toEqual(JSON.parse(before));
    expect(JSON.stringify(request)).toBe(before);
    expect(JSON.stringify(body)).toBe(before);
    expect(Object.getPrototypeOf(request.documents[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(request.documents[0]!.chunks[0])).toBe(Object.prototype);
  });

  it('passes metadata through as the same object', () => {
    const body = goodBody();
    expect(validateBatchInsertBody(body, limits).documents[0]!.metadata).toBe(body.documents[0].metadata);
  });
});

describe('the chunk fast path agrees with class-validator', () => {
  const chunks: Record<string, unknown>[] = [
    { chunk_index: 0, text: 'ok' },
    { chunk_index: '0', text: 5 },
    { chunk_index: -1 },
    { text: ' ', extra: 1, another: null },
    { chunk_index: 1.5, text: '\u0000' },
    {},
  ];

  it.each(chunks.map((chunk) => [JSON.stringify(chunk), chunk]))('%s', (_name, chunk) => {
    const viaClassValidator = new ProblemList();
    const viaRules = new ProblemList();
    checkWithClassValidator(ChunkDto, chunk, 'c', viaClassValidator);
    checkDeclaredRules(ChunkDto, chunk, 'c', viaRules);
    expect(viaRules.toDetails()).toEqual(viaClassValidator.toDetails());
  });
});

import { metadataOfBytes, MULTIBYTE_SCRIPTS, variedText, type Script } from '../../../../test/support/multibyte-text';
import { MAX_CONTENT_NAME_LENGTH, MAX_IDENTIFIER_LENGTH, MAX_WEBHOOK_URL_LENGTH } from '../../src/validation/batch-insert.dto';
import { badBodies, limits as tableLimits } from '../bad-bodies';
import {
  apiError,
  brokenBody,
  goodBody,
  INJECTIONS,
  invalidField,
  rawBody,
  type CaseBody,
  type CaseContext,
  type Expected,
  type HostileCase,
} from './hostile-case';

/**
 * Bad bodies, each sent to both POST endpoints (the synchronous insert and
 * the job): first every row of the validator's unit table (../bad-bodies.ts),
 * then hostile values that table does not hold (injections, odd Unicode,
 * numbers JSON.stringify cannot write, deep nesting, internal webhook
 * addresses). Through the real app they prove the body parser, auth, routes
 * and error middleware keep the validator's answer, with nothing stored.
 */

/** The app runs with the unit table's limits, so its rows mean the same thing over HTTP; bodies up to 4 MiB. */
export const HOSTILE_LIMITS = {
  MAX_DOCUMENTS_PER_REQUEST: String(tableLimits.maxDocuments),
  MAX_DOCUMENTS_PER_JOB: String(tableLimits.maxDocuments),
  MAX_CHUNKS_PER_DOCUMENT: String(tableLimits.maxChunksPerDocument),
  MAX_CHUNK_TEXT_LENGTH: String(tableLimits.maxChunkTextLength),
  MAX_METADATA_BYTES: String(tableLimits.maxMetadataBytes),
  MAX_SYNC_BODY_BYTES: String(4 * 1024 * 1024),
  MAX_JOB_BODY_BYTES: String(4 * 1024 * 1024),
} as const;

interface BodyCase {
  name: string;
  body: (c: CaseContext) => CaseBody;
  expect: Expected;
}

const chunk0 = 'documents[0].chunks[0]';
const nested = (depth: number, leaf: string): string => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

const rootCases: BodyCase[] = [
  { name: 'empty object', body: () => ({ json: {} }), expect: invalidField('account_name', /must be a string, got nothing/) },
];

const accountCases: BodyCase[] = [
  {
    name: 'account_name array',
    body: brokenBody((b) => {
      b.account_name = [b.account_name];
    }),
    expect: invalidField('account_name', /got array/),
  },
  {
    name: 'account_name object',
    body: brokenBody((b) => {
      b.account_name = { $ne: '' };
    }),
    expect: invalidField('account_name', /got object/),
  },
  {
    name: 'account_name boolean',
    body: brokenBody((b) => {
      b.account_name = true;
    }),
    expect: invalidField('account_name', /got boolean/),
  },
  {
    name: 'account_name 100k characters',
    body: brokenBody((b) => {
      b.account_name = 'a'.repeat(100_000);
    }),
    expect: invalidField('account_name', /exceeds 128/),
  },
  ...INJECTIONS.map(([label, value]): BodyCase => ({
    name: `account_name ${label}`,
    body: brokenBody((b) => {
      b.account_name = value;
    }),
    expect: invalidField('account_name', /only ASCII letters/),
  })),
  {
    name: 'account_name with RTL override',
    body: brokenBody((b) => {
      b.account_name = `${b.account_name}\u202Etxt.exe`;
    }),
    expect: invalidField('account_name'),
  },
  {
    name: 'account_name with zero-width space',
    body: brokenBody((b) => {
      b.account_name = `${b.account_name}\u200B`;
    }),
    expect: invalidField('account_name'),
  },
  {
    name: 'account_name Cyrillic homoglyph',
    body: brokenBody((b) => {
      b.account_name = 'аcct';
    }),
    expect: invalidField('account_name'),
  },
  {
    name: 'account_name lone surrogate',
    body: brokenBody((b) => {
      b.account_name = 'a\uD800';
    }),
    expect: invalidField('account_name', /surrogate/),
  },
  {
    name: 'account_name of another account',
    body: (c) => ({ json: goodBody(c.otherAccount) }),
    expect: apiError(403, 'account_mismatch', 'account_name'),
  },
];

const documentsCases: BodyCase[] = [
  {
    name: 'documents null',
    body: brokenBody((b) => {
      b.documents = null;
    }),
    expect: invalidField('documents', /got null/),
  },
  {
    name: '100,000 documents',
    body: rawBody((json) => json.replace(/"documents":\[.*\]\}$/s, `"documents":[${'0,'.repeat(99_999)}0]}`)),
    expect: invalidField('documents', /has 100000 documents/),
  },
  {
    name: 'document number',
    body: brokenBody((b) => {
      b.documents[0] = 7;
    }),
    expect: invalidField('documents[0]', /got number/),
  },
];

const chatBotCases: BodyCase[] = [
  ...INJECTIONS.map(([label, value]): BodyCase => ({
    name: `chat_bot_id ${label}`,
    body: brokenBody((_b, d) => {
      d.chat_bot_id = value;
    }),
    expect: invalidField('documents[0].chat_bot_id', /only ASCII letters/),
  })),
  {
    name: 'chat_bot_id with NUL',
    body: brokenBody((_b, d) => {
      d.chat_bot_id = 'bot\u0000';
    }),
    expect: invalidField('documents[0].chat_bot_id', /NUL/),
  },
  {
    name: 'chat_bot_id with newline',
    body: brokenBody((_b, d) => {
      d.chat_bot_id = 'bot\n1';
    }),
    expect: invalidField('documents[0].chat_bot_id'),
  },
  {
    name: 'chat_bot_id with RTL override',
    body: brokenBody((_b, d) => {
      d.chat_bot_id = 'bot\u202E1';
    }),
    expect: invalidField('documents[0].chat_bot_id'),
  },
];

const contentNameCases: BodyCase[] = [
  {
    name: 'content_name array',
    body: brokenBody((_b, d) => {
      d.content_name = ['a'];
    }),
    expect: invalidField('documents[0].content_name', /got array/),
  },
  {
    name: 'content_name SQL injection with NUL',
    body: brokenBody((_b, d) => {
      d.content_name = "x' OR 1=1\u0000--";
    }),
    expect: invalidField('documents[0].content_name', /NUL/),
  },
  {
    name: 'content_name Milvus injection with a lone surrogate',
    body: brokenBody((_b, d) => {
      d.content_name = 'x" || true\uD83D';
    }),
    expect: invalidField('documents[0].content_name', /surrogate/),
  },
];

const chunkCases: BodyCase[] = [
  {
    name: 'chunk string',
    body: brokenBody((_b, d) => {
      d.chunks[0] = 'text';
    }),
    expect: invalidField(chunk0, /got string/),
  },
  {
    name: 'chunk_index huge negative',
    body: brokenBody((_b, d) => {
      d.chunks[0].chunk_index = -1e308;
    }),
    expect: invalidField(`${chunk0}.chunk_index`),
  },
  {
    name: 'chunk_index beyond 2^53',
    body: rawBody((json) => json.replace('"chunk_index":0', '"chunk_index":9007199254740993')),
    expect: invalidField(`${chunk0}.chunk_index`, /at most/),
  },
  {
    name: 'chunk_index 1e400 (Infinity once parsed)',
    body: rawBody((json) => json.replace('"chunk_index":0', '"chunk_index":1e400')),
    expect: invalidField(`${chunk0}.chunk_index`),
  },
  {
    name: 'chunk_index -1e400',
    body: rawBody((json) => json.replace('"chunk_index":0', '"chunk_index":-1e400')),
    expect: invalidField(`${chunk0}.chunk_index`),
  },
  {
    name: 'chunk_index SQL injection',
    body: brokenBody((_b, d) => {
      d.chunks[0].chunk_index = '0; DELETE FROM document_chunks';
    }),
    expect: invalidField(`${chunk0}.chunk_index`, /got string/),
  },
  {
    name: 'text object',
    body: brokenBody((_b, d) => {
      d.chunks[0].text = { $gt: '' };
    }),
    expect: invalidField(`${chunk0}.text`, /got object/),
  },
];

const metadataCases: BodyCase[] = [
  {
    name: 'metadata nested 50,000 levels',
    body: rawBody((json) => json.replace('"metadata":{', `"metadata":{"deep":${nested(50_000, '1')},`)),
    expect: invalidField('documents[0].metadata'),
  },
];

const deepCases: BodyCase[] = [
  {
    name: 'documents nested 50,000 arrays deep',
    body: rawBody((json) => json.replace(/"documents":\[.*\]\}$/s, `"documents":${nested(50_000, '')}}`)),
    expect: invalidField('documents[0]', /got array/),
  },
  {
    name: 'account_name nested 30,000 objects deep',
    body: rawBody((json) => json.replace(/"account_name":"[^"]*"/, `"account_name":${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`)),
    expect: invalidField('account_name', /got object/),
  },
];

/**
 * Issue 10: one past each documented length limit in the costliest UTF-8
 * (varied, never one repeated character), and the ASCII-only identifiers at
 * their limit. Chunk text, metadata and the counts are at the table's limits;
 * content_name, webhook_url and identifiers at the real ones.
 * multibyte-limits.int.test.ts sends each value at its limit and checks it is stored.
 */
function multibyteCases(script: Script): BodyCase[] {
  const text = (count: number, seed?: number): string => variedText(script, count, seed);
  const over = (count: number): string => `${count.toLocaleString('en')} ${script.name} characters`;
  const webhookPrefix = 'https://example.com/';
  const identifierCases = (
    label: string,
    set: (b: Record<string, any>, d: Record<string, any>, value: string) => void,
    field: string,
  ): BodyCase[] => [
    {
      name: `${label} of ${over(MAX_IDENTIFIER_LENGTH)} (identifiers are ASCII only)`,
      body: brokenBody((b, d) => set(b, d, text(MAX_IDENTIFIER_LENGTH))),
      expect: invalidField(field, /only ASCII letters/),
    },
    {
      name: `${label} of ${over(MAX_IDENTIFIER_LENGTH + 1)}`,
      body: brokenBody((b, d) => set(b, d, text(MAX_IDENTIFIER_LENGTH + 1))),
      expect: invalidField(field, new RegExp(`^exceeds ${MAX_IDENTIFIER_LENGTH} characters$`)),
    },
  ];
  return [
    ...identifierCases(
      'account_name',
      (b, _d, value) => {
        b.account_name = value;
      },
      'account_name',
    ),
    ...identifierCases(
      'chat_bot_id',
      (_b, d, value) => {
        d.chat_bot_id = value;
      },
      'documents[0].chat_bot_id',
    ),
    {
      name: `content_name of ${over(MAX_CONTENT_NAME_LENGTH + 1)}`,
      body: brokenBody((_b, d) => {
        d.content_name = text(MAX_CONTENT_NAME_LENGTH + 1);
      }),
      expect: invalidField('documents[0].content_name', new RegExp(`^exceeds ${MAX_CONTENT_NAME_LENGTH} characters$`)),
    },
    {
      name: `text of ${over(tableLimits.maxChunkTextLength + 1)}`,
      body: brokenBody((_b, d) => {
        d.chunks[0].text = text(tableLimits.maxChunkTextLength + 1);
      }),
      expect: invalidField(`${chunk0}.text`, new RegExp(`^exceeds ${tableLimits.maxChunkTextLength} characters$`)),
    },
    {
      name: `metadata of ${tableLimits.maxMetadataBytes + 1} bytes of ${script.name} as JSON`,
      body: brokenBody((_b, d) => {
        d.metadata = metadataOfBytes(script, tableLimits.maxMetadataBytes + 1);
      }),
      expect: invalidField(
        'documents[0].metadata',
        new RegExp(`^exceeds ${tableLimits.maxMetadataBytes} bytes as JSON \\(${tableLimits.maxMetadataBytes + 1} bytes\\)$`),
      ),
    },
    {
      name: `webhook_url of ${(MAX_WEBHOOK_URL_LENGTH + 1).toLocaleString('en')} characters, its path in ${script.name}`,
      body: brokenBody((b) => {
        b.webhook_url = webhookPrefix + text(MAX_WEBHOOK_URL_LENGTH + 1 - webhookPrefix.length);
      }),
      expect: invalidField('webhook_url', new RegExp(`^exceeds ${MAX_WEBHOOK_URL_LENGTH} characters$`)),
    },
    {
      name: `${tableLimits.maxChunksPerDocument + 1} chunks of ${script.name}`,
      body: brokenBody((_b, d) => {
        d.chunks = Array.from({ length: tableLimits.maxChunksPerDocument + 1 }, (_, i) => ({
          chunk_index: i,
          text: text(tableLimits.maxChunkTextLength, i),
        }));
      }),
      expect: invalidField(
        'documents[0].chunks',
        new RegExp(`^has ${tableLimits.maxChunksPerDocument + 1} chunks; the limit is ${tableLimits.maxChunksPerDocument}$`),
      ),
    },
    {
      name: `${tableLimits.maxDocuments + 1} documents named in ${script.name}`,
      body: brokenBody((b, d) => {
        b.documents = Array.from({ length: tableLimits.maxDocuments + 1 }, (_, i) => ({
          ...d,
          content_name: text(MAX_CONTENT_NAME_LENGTH, i),
        }));
      }),
      expect: invalidField(
        'documents',
        new RegExp(`^has ${tableLimits.maxDocuments + 1} documents; the limit is ${tableLimits.maxDocuments}$`),
      ),
    },
  ];
}

/** Only jobs take a webhook; each of these addresses is refused before anything is stored. */
export const webhookCases: BodyCase[] = [
  {
    name: 'webhook_url file:',
    body: brokenBody((b) => {
      b.webhook_url = 'file:///etc/passwd';
    }),
    expect: invalidField('webhook_url', /http or https/),
  },
  {
    name: 'webhook_url loopback',
    body: brokenBody((b) => {
      b.webhook_url = 'http://127.0.0.1:6390/';
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url'),
  },
  {
    name: 'webhook_url loopback as a decimal number',
    body: brokenBody((b) => {
      b.webhook_url = 'http://2130706433/';
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url'),
  },
  {
    name: 'webhook_url IPv6 loopback',
    body: brokenBody((b) => {
      b.webhook_url = 'http://[::1]/';
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url'),
  },
  {
    name: 'webhook_url cloud metadata address',
    body: brokenBody((b) => {
      b.webhook_url = 'http://169.254.169.254/latest/meta-data/';
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url'),
  },
  {
    name: 'webhook_url private network',
    body: brokenBody((b) => {
      b.webhook_url = 'https://10.0.0.1/hook';
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url'),
  },
  {
    name: 'webhook_url localhost',
    body: brokenBody((b) => {
      b.webhook_url = 'http://localhost:8000/job';
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url'),
  },
  ...(
    [
      ['6to4 wrapping loopback', 'http://[2002:7f00:1::1]/', /6to4 loopback/],
      ['NAT64 wrapping cloud metadata', 'http://[64:ff9b::a9fe:a9fe]/', /NAT64 link-local/],
      ['local-use NAT64', 'http://[64:ff9b:1::a00:1]/', /local-use NAT64/],
      ['Teredo', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /Teredo/],
      ['IPv4-translated private', 'http://[::ffff:0:a00:1]/', /IPv4-translated private/],
      ['under .localhost', 'http://hooks.localhost/', /loopback/],
    ] as const
  ).map(([label, url, problem]): BodyCase => ({
    name: `webhook_url ${label}`,
    body: brokenBody((b) => {
      b.webhook_url = url;
    }),
    expect: apiError(400, 'invalid_webhook_url', 'webhook_url', problem),
  })),
];

/** The synchronous answer carries the results, so a webhook_url there is refused rather than ignored. */
export const syncOnlyCases: BodyCase[] = [
  {
    name: 'webhook_url on the synchronous endpoint',
    body: brokenBody((b) => {
      b.webhook_url = 'https://example.com/hook';
    }),
    expect: invalidField('webhook_url', /only for POST \/job\/batch-insert/),
  },
];

/** Rows of the unit table whose body is a JSON object or array; a top-level scalar is the parser's to refuse (request-cases.ts). */
const validatorTable: BodyCase[] = badBodies
  .filter(([, body]) => typeof body === 'object' && body !== null)
  .map(([name, body, field, problem]) => ({
    name: `validator table: ${name}`,
    body: () => ({ json: body }),
    expect: invalidField(field, problem),
  }));

export const sharedBodyCases: BodyCase[] = [
  ...validatorTable,
  ...rootCases,
  ...accountCases,
  ...documentsCases,
  ...chatBotCases,
  ...contentNameCases,
  ...chunkCases,
  ...metadataCases,
  ...deepCases,
  ...MULTIBYTE_SCRIPTS.flatMap(multibyteCases),
];

export function bodyCasesFor(endpoint: 'POST /data/insert/batch' | 'POST /job/batch-insert', cases: BodyCase[]): HostileCase[] {
  const path = endpoint.slice('POST '.length);
  return cases.map((bodyCase) => ({ ...bodyCase, endpoint, method: 'POST', path: () => path }));
}

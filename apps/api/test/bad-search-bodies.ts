import { variedText, ASTRAL_EMOJI, HANGUL } from '../../../test/support/multibyte-text';
import { MAX_CONTENT_NAME_LENGTH } from '../src/validation/batch-insert.dto';
import { MAX_CONTENT_NAMES, MAX_QUERY_LENGTH } from '../src/validation/search.dto';

/**
 * The table of bad `POST /search` bodies: the validator's unit test checks
 * each row's field and wording (search-validation.test.ts), and the
 * hostile-input corpus sends every row through the real app
 * (hostile/search-cases.ts). `account` fills in the caller's account.
 */
export type SearchBody = Record<string, unknown>;

export function goodSearchBody(account = 'chatty'): SearchBody {
  return {
    account_name: account,
    query: 'how do I bake bread?',
    top_k: 5,
    chat_bot_id: 'bot001',
    content_names: ['https://example.com/article1'],
    score_threshold: 0.2,
  };
}

const edited =
  (edit: (b: SearchBody) => void) =>
  (account: string): SearchBody => {
    const body = goodSearchBody(account);
    edit(body);
    return body;
  };

export const badSearchBodies: Array<[name: string, body: (account: string) => SearchBody, field: string, problem: RegExp]> = [
  ['empty object', () => ({}), 'account_name', /must be a string, got nothing/],
  [
    'unknown field',
    edited((b) => {
      b.limit = 5;
    }),
    'limit',
    /is not an allowed field/,
  ],
  [
    'own "constructor" key',
    edited((b) => {
      Object.defineProperty(b, 'constructor', { value: 1, enumerable: true });
    }),
    'constructor',
    /is not an allowed field/,
  ],
  [
    'account_name missing',
    edited((b) => {
      delete b.account_name;
    }),
    'account_name',
    /got nothing/,
  ],
  [
    'account_name injection',
    edited((b) => {
      b.account_name = 'x" || account_name != "';
    }),
    'account_name',
    /only ASCII letters/,
  ],
  [
    'query missing',
    edited((b) => {
      delete b.query;
    }),
    'query',
    /must be a string, got nothing/,
  ],
  [
    'query empty',
    edited((b) => {
      b.query = '';
    }),
    'query',
    /must be a non-empty string/,
  ],
  [
    'query only whitespace',
    edited((b) => {
      b.query = ' \n\t ';
    }),
    'query',
    /only whitespace/,
  ],
  [
    'query a number',
    edited((b) => {
      b.query = 42;
    }),
    'query',
    /got number/,
  ],
  [
    'query an array',
    edited((b) => {
      b.query = ['bread'];
    }),
    'query',
    /got array/,
  ],
  [
    'query null',
    edited((b) => {
      b.query = null;
    }),
    'query',
    /got null/,
  ],
  [
    'query with NUL',
    edited((b) => {
      b.query = 'bread\u0000';
    }),
    'query',
    /NUL/,
  ],
  [
    'query with a lone surrogate',
    edited((b) => {
      b.query = 'bread\uD83D';
    }),
    'query',
    /surrogate/,
  ],
  [
    `query of ${MAX_QUERY_LENGTH + 1} Hangul characters`,
    edited((b) => {
      b.query = variedText(HANGUL, MAX_QUERY_LENGTH + 1);
    }),
    'query',
    new RegExp(`^exceeds ${MAX_QUERY_LENGTH} characters$`),
  ],
  [
    `query of ${MAX_QUERY_LENGTH + 1} astral emoji`,
    edited((b) => {
      b.query = variedText(ASTRAL_EMOJI, MAX_QUERY_LENGTH + 1);
    }),
    'query',
    new RegExp(`^exceeds ${MAX_QUERY_LENGTH} characters$`),
  ],
  [
    'top_k 0',
    edited((b) => {
      b.top_k = 0;
    }),
    'top_k',
    /integer from 1 to 50, got 0/,
  ],
  [
    'top_k 51',
    edited((b) => {
      b.top_k = 51;
    }),
    'top_k',
    /integer from 1 to 50, got 51/,
  ],
  [
    'top_k -1',
    edited((b) => {
      b.top_k = -1;
    }),
    'top_k',
    /got -1/,
  ],
  [
    'top_k 1.5',
    edited((b) => {
      b.top_k = 1.5;
    }),
    'top_k',
    /got 1.5/,
  ],
  [
    'top_k "10"',
    edited((b) => {
      b.top_k = '10';
    }),
    'top_k',
    /got string/,
  ],
  [
    'top_k null',
    edited((b) => {
      b.top_k = null;
    }),
    'top_k',
    /got null/,
  ],
  [
    'top_k true',
    edited((b) => {
      b.top_k = true;
    }),
    'top_k',
    /got boolean/,
  ],
  [
    'chat_bot_id Milvus quote break',
    edited((b) => {
      b.chat_bot_id = '" or account_name != "x';
    }),
    'chat_bot_id',
    /only ASCII letters/,
  ],
  [
    'chat_bot_id Milvus parenthesis break',
    edited((b) => {
      b.chat_bot_id = ') or (1==1';
    }),
    'chat_bot_id',
    /only ASCII letters/,
  ],
  [
    'chat_bot_id SQL quote break',
    edited((b) => {
      b.chat_bot_id = "x' OR '1'='1";
    }),
    'chat_bot_id',
    /only ASCII letters/,
  ],
  [
    'chat_bot_id empty',
    edited((b) => {
      b.chat_bot_id = '';
    }),
    'chat_bot_id',
    /non-empty/,
  ],
  [
    'chat_bot_id a number',
    edited((b) => {
      b.chat_bot_id = 1;
    }),
    'chat_bot_id',
    /got number/,
  ],
  [
    'chat_bot_id of 129 characters',
    edited((b) => {
      b.chat_bot_id = 'b'.repeat(129);
    }),
    'chat_bot_id',
    /exceeds 128 characters/,
  ],
  [
    'content_names a string',
    edited((b) => {
      b.content_names = 'https://example.com/article1';
    }),
    'content_names',
    /must be an array of content names, got string/,
  ],
  [
    'content_names an object',
    edited((b) => {
      b.content_names = { $in: ['a'] };
    }),
    'content_names',
    /got object/,
  ],
  [
    'content_names empty',
    edited((b) => {
      b.content_names = [];
    }),
    'content_names',
    /at least 1 content name/,
  ],
  [
    `content_names of ${MAX_CONTENT_NAMES + 1}`,
    edited((b) => {
      b.content_names = Array.from({ length: MAX_CONTENT_NAMES + 1 }, (_, i) => `name ${i}`);
    }),
    'content_names',
    new RegExp(`^has ${MAX_CONTENT_NAMES + 1} content names; the limit is ${MAX_CONTENT_NAMES}$`),
  ],
  [
    'content_names with a number',
    edited((b) => {
      b.content_names = ['a', 3];
    }),
    'content_names[1]',
    /got number/,
  ],
  [
    'content_names with an empty name',
    edited((b) => {
      b.content_names = ['a', 'b', ''];
    }),
    'content_names[2]',
    /non-empty/,
  ],
  [
    'content_names with a NUL',
    edited((b) => {
      b.content_names = ['x" || true\u0000'];
    }),
    'content_names[0]',
    /NUL/,
  ],
  [
    'content_names with a lone surrogate',
    edited((b) => {
      b.content_names = [') or (1==1\uDC00'];
    }),
    'content_names[0]',
    /surrogate/,
  ],
  [
    `content_names with ${MAX_CONTENT_NAME_LENGTH + 1} Hangul characters`,
    edited((b) => {
      b.content_names = ['ok', variedText(HANGUL, MAX_CONTENT_NAME_LENGTH + 1)];
    }),
    'content_names[1]',
    new RegExp(`^exceeds ${MAX_CONTENT_NAME_LENGTH} characters$`),
  ],
  [
    `content_names with ${MAX_CONTENT_NAME_LENGTH + 1} astral emoji`,
    edited((b) => {
      b.content_names = [variedText(ASTRAL_EMOJI, MAX_CONTENT_NAME_LENGTH + 1)];
    }),
    'content_names[0]',
    new RegExp(`^exceeds ${MAX_CONTENT_NAME_LENGTH} characters$`),
  ],
  [
    'score_threshold 1.5',
    edited((b) => {
      b.score_threshold = 1.5;
    }),
    'score_threshold',
    /number from -1 to 1, got 1.5/,
  ],
  [
    'score_threshold -1.01',
    edited((b) => {
      b.score_threshold = -1.01;
    }),
    'score_threshold',
    /got -1.01/,
  ],
  [
    'score_threshold "0.5"',
    edited((b) => {
      b.score_threshold = '0.5';
    }),
    'score_threshold',
    /got string/,
  ],
  [
    'score_threshold null',
    edited((b) => {
      b.score_threshold = null;
    }),
    'score_threshold',
    /got null/,
  ],
];

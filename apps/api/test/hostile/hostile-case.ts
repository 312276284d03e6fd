/**
 * The shape of the hostile-input corpus: each case is one named request and
 * the 4xx answer it must get. Requests are data; the runner
 * (hostile-input.int.test.ts) sends them to the real app.
 */

/** What a case can refer to; filled in once the accounts, keys and jobs exist. */
export interface CaseContext {
  /** The account of the key the cases use (`auth: 'own'`). */
  account: string;
  /** Another account, with its own key and a job the first account must not see. */
  otherAccount: string;
  /** A pending job of `account`, created with the Idempotency-Key `idempotencyKey`. */
  jobId: string;
  /** A job of `account` that was cancelled (finished). */
  finishedJobId: string;
  /** A pending job of `otherAccount`. */
  otherJobId: string;
  idempotencyKey: string;
}

/** A JSON value the runner serialises, or bytes/text sent exactly as given. */
export type CaseBody = { json: unknown } | { raw: string | Buffer };

export type Auth = 'own' | 'none';

export interface Expected {
  status: number;
  code: string;
  /** The field or header the answer must name: a `details[].field` equal to it, or text of the message. */
  names: string;
  /** When given, the problem (details entry for `names`, else the message) must match. */
  problem?: RegExp;
}

export interface HostileCase {
  name: string;
  /** The operation, as `METHOD /path/{template}`; the corpus summary counts by it. */
  endpoint: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (c: CaseContext) => string;
  /** Defaults to the account's own API key; 'none' sends only the case's headers. */
  auth?: Auth;
  headers?: (c: CaseContext) => Record<string, string>;
  body?: (c: CaseContext) => CaseBody;
  expect: Expected;
}

export const invalidField = (field: string, problem?: RegExp): Expected => ({
  status: 400,
  code: 'validation_failed',
  names: field,
  ...(problem ? { problem } : {}),
});

export const apiError = (status: number, code: string, names: string, problem?: RegExp): Expected => ({
  status,
  code,
  names,
  ...(problem ? { problem } : {}),
});

/** A body the API accepts for `account`: the cases start from it and break one thing. */
export function goodBody(account: string): Record<string, any> {
  return {
    account_name: account,
    documents: [
      {
        chat_bot_id: 'bot001',
        content_name: `https://example.com/hostile/${account}`, // unique: the runner looks for it in every table afterwards
        chunks: [
          { chunk_index: 0, text: 'first paragraph' },
          { chunk_index: 1, text: '두 번째 문단' },
        ],
        metadata: { title: 'hostile corpus', author: 'Kim Dev' },
      },
    ],
  };
}

/** goodBody with one edit: `edit` receives the body and the first document. */
export function brokenBody(edit: (body: Record<string, any>, doc: Record<string, any>) => void): (c: CaseContext) => CaseBody {
  return (c) => {
    const body = goodBody(c.account);
    edit(body, body.documents[0]);
    return { json: body };
  };
}

/** goodBody as JSON text with `replace` applied: for what JSON.stringify cannot produce (1e400, duplicate keys...). */
export function rawBody(replace: (json: string) => string): (c: CaseContext) => CaseBody {
  return (c) => ({ raw: replace(JSON.stringify(goodBody(c.account))) });
}

/** Hostile strings that try to end a quoted literal in SQL or in a Milvus boolean expression. */
export const INJECTIONS: ReadonlyArray<[label: string, value: string]> = [
  ['SQL quote break', "x' OR '1'='1"],
  ['SQL stacked statement', "x'; DROP TABLE documents; --"],
  ['Milvus expression quote break', 'x" || account_name != "'],
  ['Milvus expression with backslash escape', 'x\\" or chat_bot_id like "%'],
  ['Milvus expression in operator', 'x" or document_id in [1,2,3] or "'],
];

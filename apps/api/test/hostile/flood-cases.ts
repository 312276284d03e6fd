import { BODY_MEMORY_COPIES } from '@nonstop/core';
import { AUTHENTICATED, BAD_CREDENTIALS } from './request-cases';
import { apiError, goodBody, type CaseContext, type Expected, type HostileCase } from './hostile-case';

/**
 * The floods of the hostile corpus: requests harmless once and hostile in
 * numbers (unknown keys, open streams, large bodies that never finish).
 * Each flood sends `times` requests within the limits, holding each open as
 * `hold` says, and the next request must get `expect`. The runner
 * (hostile-floods.int.test.ts) sends them to the real app with FLOOD_LIMITS,
 * behind one trusted proxy: the client address is the last X-Forwarded-For hop.
 */
export interface FloodContext extends CaseContext {
  /** Keys of three accounts (the first is `account`'s), for floods that need several tenants. */
  keys: [string, string, string];
  /** A pending job of `account`, for streams. */
  jobId: string;
}

export interface FloodRequest {
  headers: Record<string, string>;
  /** A gzip-announced body: `stalled-body` sends only its first bytes. */
  json?: unknown;
}

export interface HostileFlood {
  name: string;
  endpoint: string;
  method: HostileCase['method'];
  path: (c: FloodContext) => string;
  /** `answered`: each request is answered before the next; `stream`: each stays an open stream; `stalled-body`: each body never finishes. */
  hold: 'answered' | 'stream' | 'stalled-body';
  times: number;
  /** The i-th request (i = times is the one that must be refused). */
  request: (c: FloodContext, i: number) => FloodRequest;
  expect: Expected;
}

const MB = 1024 * 1024;
const FAILURES = 4;
const BODY_BYTES = 4 * MB;
export const FLOOD_LIMITS = {
  TRUST_PROXY: '1',
  AUTH_FAILURES_PER_WINDOW: String(FAILURES),
  AUTH_FAILURE_WINDOW_SECONDS: '86400',
  SSE_MAX_STREAMS_PER_KEY: '2',
  MAX_SYNC_BODY_BYTES: String(BODY_BYTES),
  MAX_JOB_BODY_BYTES: String(BODY_BYTES),
  // Room for two bodies of the limit at once, one of them per key.
  BODY_MEMORY_BYTES: String(2 * BODY_BYTES * BODY_MEMORY_COPIES),
  BODY_MEMORY_PER_KEY_BYTES: String(BODY_BYTES * BODY_MEMORY_COPIES),
  RATE_LIMIT_PER_MINUTE: '100000',
} as const;

/** A fresh client address per flood, so that floods do not add up. */
let floods = 0;
const nextAddress = (): string => {
  floods += 1;
  return `198.18.${Math.floor(floods / 250)}.${(floods % 250) + 1}`;
};
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const withBody = (method: HostileCase['method']): Record<string, string> =>
  method === 'POST' ? { 'Content-Type': 'application/json' } : {};
const failedAuth = apiError(429, 'too_many_failed_authentications', 'unknown or revoked API key', /retry after \d+ s/);

const countedCredentials = BAD_CREDENTIALS.filter(([, , code]) => code === 'invalid_api_key');

const unknownKeyFloods: HostileFlood[] = AUTHENTICATED.flatMap(([endpoint, method, path]) =>
  countedCredentials.map(([name, headers]): HostileFlood => {
    const address = nextAddress();
    return {
      name: `${name}, ${FAILURES + 1} times from one address`,
      endpoint,
      method,
      path,
      hold: 'answered',
      times: FAILURES,
      request: (c) => ({
        headers: { ...headers, ...withBody(method), 'X-Forwarded-For': address },
        ...(method === 'POST' ? { json: goodBody(c.account) } : {}),
      }),
      expect: failedAuth,
    };
  }),
);

const evasionFloods: HostileFlood[] = (() => {
  const proxied = nextAddress();
  const valid = nextAddress();
  const path = () => '/job/00000000-0000-4000-8000-000000000000';
  const flood = (name: string, request: HostileFlood['request']): HostileFlood => ({
    name,
    endpoint: 'GET /job/{job_id}',
    method: 'GET',
    path,
    hold: 'answered',
    times: FAILURES,
    request,
    expect: failedAuth,
  });
  return [
    flood("unknown keys with a forged X-Forwarded-For in front of the proxy's hop", (_c, i) => ({
      headers: { Authorization: 'Bearer nik_forged', 'X-Forwarded-For': `10.0.0.${i}, ${proxied}` },
    })),
    flood('unknown keys from a fresh IPv6 address of one /64 each time', (_c, i) => ({
      headers: { Authorization: 'Bearer nik_v6', 'X-Forwarded-For': `2001:db8:77:1::${(i + 1).toString(16)}` },
    })),
    flood('a valid key from an address limited for unknown keys', (c, i) => ({
      headers: { ...bearer(i === FAILURES ? c.keys[0] : 'nik_not-yet-limited'), 'X-Forwarded-For': valid },
    })),
  ];
})();

const streamFloods: HostileFlood[] = [
  {
    name: 'streams of one key past its cap of 2',
    endpoint: 'GET /job/{job_id}/stream',
    method: 'GET',
    path: (c) => `/job/${c.jobId}/stream`,
    hold: 'stream',
    times: 2,
    request: (c) => ({ headers: { ...bearer(c.keys[0]), 'X-Forwarded-For': '198.18.200.1' } }),
    expect: apiError(429, 'too_many_streams', '2 open streams, the limit per key'),
  },
];

const bodyFloods: HostileFlood[] = (['POST /data/insert/batch', 'POST /job/batch-insert'] as const).flatMap((endpoint): HostileFlood[] => {
  const path = () => endpoint.slice('POST '.length);
  const request =
    (key: (c: FloodContext, i: number) => string) =>
    (c: FloodContext, i: number): FloodRequest => ({
      headers: { ...bearer(key(c, i)), 'Content-Type': 'application/json', 'X-Forwarded-For': '198.18.201.1' },
      json: goodBody(c.account),
    });
  return [
    {
      name: 'gzip bodies that never finish, from one key past its share of body memory',
      endpoint,
      method: 'POST',
      path,
      hold: 'stalled-body',
      times: 1,
      request: request((c) => c.keys[0]),
      expect: apiError(429, 'too_many_large_bodies', "share of the server's body memory", /retry after 5 s/),
    },
    {
      name: "gzip bodies that never finish, from three keys past the server's body memory",
      endpoint,
      method: 'POST',
      path,
      hold: 'stalled-body',
      times: 2,
      request: request((c, i) => c.keys[i]!),
      expect: apiError(503, 'server_busy', 'body memory', /retry after 5 s/),
    },
  ];
});

export const hostileFloods: HostileFlood[] = [...unknownKeyFloods, ...evasionFloods, ...streamFloods, ...bodyFloods];

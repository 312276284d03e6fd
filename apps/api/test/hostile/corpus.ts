import { bodyCasesFor, sharedBodyCases, syncOnlyCases, webhookCases } from './body-cases';
import type { HostileCase } from './hostile-case';
import { livingCorpusCases } from './living-corpus-cases';
import { requestCases } from './request-cases';
import { searchCases } from './search-cases';

/** The whole hostile-input corpus, every case named; `npm run fuzz` and `npm test` run it. */
export const hostileCorpus: HostileCase[] = [
  ...bodyCasesFor('POST /data/insert/batch', [...sharedBodyCases, ...syncOnlyCases]),
  ...bodyCasesFor('POST /job/batch-insert', [...sharedBodyCases, ...webhookCases]),
  ...requestCases,
  ...searchCases,
  ...livingCorpusCases,
];

/** Counts of the corpus by endpoint and by expected status, for docs/fuzz/README.md. */
export function corpusSummary(cases: HostileCase[] = hostileCorpus): {
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  total: number;
} {
  const byEndpoint: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const c of cases) {
    byEndpoint[c.endpoint] = (byEndpoint[c.endpoint] ?? 0) + 1;
    byStatus[c.expect.status] = (byStatus[c.expect.status] ?? 0) + 1;
  }
  return { byEndpoint, byStatus, total: cases.length };
}

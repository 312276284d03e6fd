/**
 * Writes docs/fuzz/README.md from one `npm run fuzz` run: the corpus counts
 * (by endpoint and by expected status) and its jest result, and the
 * schemathesis passes' run reports (WORK_DIR/schemathesis-NAME.json).
 * Usage: write-report.ts WORK_DIR CORPUS_STATUS SCHEMATHESIS_STATUS
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { corpusSummary } from '../../apps/api/test/hostile/corpus';

interface JestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
}
interface SchemathesisReport {
  schemathesis_version: string;
  command: string;
  running_time: number;
  operations: { selected: number; tested: number; errored: number };
  test_cases: { generated: number; with_failures: number; unique_failures: number; errored: number };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  phases: Record<string, { status: string }>;
}

const [workDir = '', corpusStatus = '1', schemathesisStatus = '1'] = process.argv.slice(2);
const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(`${workDir}/${file}`, 'utf8')) as T;
  } catch {
    return undefined;
  }
};
const jest = readJson<JestReport>('corpus.json');
const passes = readdirSync(workDir)
  .filter((file) => /^schemathesis-.+\.json$/.test(file))
  .sort()
  .map((file) => ({ name: file.slice('schemathesis-'.length, -'.json'.length), report: readJson<SchemathesisReport>(file) }));
const { byEndpoint, byStatus, total } = corpusSummary();
const table = (head: [string, string], rows: Record<string, number>): string =>
  [
    `| ${head[0]} | ${head[1]} |`,
    '| --- | ---: |',
    ...Object.entries(rows)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
const verdict = (status: string): string => (status === '0' ? 'passed' : 'FAILED');

const lines = [
  '# Hostile input: latest `npm run fuzz`',
  '',
  `Written by scripts/fuzz/write-report.ts on ${new Date().toISOString()}; run \`npm run fuzz\` to reproduce (services are started if needed).`,
  '',
  '## The corpus (apps/api/test/hostile)',
  '',
  `${total} named hostile requests against the real app with API keys on (also part of \`npm test\`). Every answer must be the`,
  'expected 4xx with an error code and a message or detail naming the field, header or parameter; no 5xx; and PostgreSQL rows and',
  'Milvus entities of the accounts used are compared before and after (nothing partly stored).',
  '',
  'Every documented length limit has a case one past it in varied Hangul and astral emoji (3 and 4 bytes a character), through',
  'both POST endpoints, and the ASCII-only identifiers have cases at 128 multibyte characters;',
  '`apps/api/test/multibyte-limits.int.test.ts` sends each value exactly at its limit and checks it is stored byte for byte.',
  '',
  `Result: **${verdict(corpusStatus)}**${jest ? ` (${jest.numPassedTests} of ${jest.numTotalTests} jest tests passed, ${jest.numFailedTests} failed; the tests are the cases plus the corpus-shape, nothing-stored and verbatim-storage checks)` : ''}.`,
  '',
  table(['endpoint', 'cases'], byEndpoint),
  '',
  table(['expected status', 'cases'], byStatus),
  '',
  '## Schemathesis against /openapi.json',
  '',
  `Schemathesis ${passes[0]?.report?.schemathesis_version ?? '(no report)'} (pinned in scripts/fuzz/requirements.txt) against an API process`,
  'on a loopback port with its own database, Milvus collection and queue prefix, in two passes: `open` (API_AUTH=disabled, so',
  'generated bodies reach the pipeline; a worker runs, and the stateful phase follows the links from a created job to every job',
  'operation) and `keyed` (API_AUTH=required, with a key for one account).',
  `Result: **${verdict(schemathesisStatus)}** (any failure, or any error the API logged, fails the run).`,
  ...passes.flatMap(({ name, report }) =>
    report
      ? [
          '',
          `### Pass \`${name}\``,
          '',
          `- checks: ${(/--checks (\S+)/.exec(report.command)?.[1] ?? '')
            .split(',')
            .map((c) => `\`${c}\``)
            .join(', ')}`,
          `- command: \`${report.command.replace(/Bearer \S+/, 'Bearer <key>').replace(/\/tmp\/\S+/g, '<work dir>')}\``,
          `- operations tested: ${report.operations.tested} of ${report.operations.selected} (${report.operations.errored} errored)`,
          `- generated test cases: ${report.test_cases.generated}; with failures: ${report.test_cases.with_failures}; errored: ${report.test_cases.errored}`,
          `- phases: ${Object.entries(report.phases)
            .map(([phase, { status }]) => `${phase} ${status}`)
            .join(', ')}`,
          `- running time: ${report.running_time.toFixed(1)} s`,
          ...(report.failures.length > 0
            ? ['- failures:', ...report.failures.map((f) => `  - ${f.code} ${f.title} (${f.count}): ${f.operations.join(', ')}`)]
            : []),
        ]
      : ['', `### Pass \`${name}\``, '', 'No report was produced.'],
  ),
  '',
];
mkdirSync('docs/fuzz', { recursive: true });
writeFileSync('docs/fuzz/README.md', lines.join('\n'));

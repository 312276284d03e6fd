import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness } from '../../../test/support/job-harness';
import { testConfig, uniqueAccount } from '../../../test/support/test-env';
import * as sdkSource from '../src';
import { outsiderEnv, run } from '../../../test/support/run-command';

const ROOT = path.resolve(__dirname, '../../..');
const SDK_DIR = path.join(ROOT, 'packages/sdk');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const EXPORTED_NAMES = Object.keys(sdkSource).sort();

/**
 * What an npm user gets: `npm pack` (which builds), the tarball installed
 * into a fresh project outside the monorepo (no tsx, no workspace, no
 * network), then used from CommonJS, ESM, TypeScript and its bin against the
 * real API and a real worker.
 */
describe('@nonstop/sdk as an installed npm tarball', () => {
  const harness = new JobHarness();
  const config = testConfig(harness.env);
  const work = mkdtempSync(path.join(os.tmpdir(), 'nonstop-sdk-pack-'));
  const project = path.join(work, 'consumer');
  const bin = path.join(project, 'node_modules/.bin/nonstop-ingest');
  let packedFiles: string[];
  let api: InProcessApi;
  let listener: Awaited<ReturnType<typeof listenOnLoopback>>;

  beforeAll(async () => {
    // the worker boots while the package is packed and installed
    harness.startWorker();
    api = await startInProcessApi(config);
    listener = await listenOnLoopback(api);

    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: SDK_DIR, env: outsiderEnv() });
    expect(packed.code).toBe(0);
    const [manifest] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
    packedFiles = manifest.files.map((file) => file.path).sort();

    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true }));
    const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(work, manifest.filename)], {
      cwd: project,
      env: outsiderEnv(),
    });
    expect(installed.code).toBe(0);
  });
  afterAll(async () => {
    await harness.stopAll();
    await listener?.close();
    await api?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript, .d.ts and the README, and no TypeScript source', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js']));
    expect(packedFiles.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((file) => file.startsWith('test/') || file.startsWith('src/'))).toEqual([]);
  });

  it('exports the same names to require() and to import as the source does', async () => {
    const required = await run(process.execPath, ['-e', "console.log(JSON.stringify(Object.keys(require('@nonstop/sdk')).sort()))"], {
      cwd: project,
      env: outsiderEnv(),
    });
    expect(required.stderr).toBe('');
    expect(JSON.parse(required.stdout)).toEqual(EXPORTED_NAMES);

    const imported = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        // Node adds `default` (module.exports) and tsc's `__esModule` marker to a CommonJS module's namespace
        "import * as sdk from '@nonstop/sdk'; console.log(JSON.stringify(Object.keys(sdk).filter((name) => name !== 'default' && name !== '__esModule').sort()))",
      ],
      { cwd: project, env: outsiderEnv() },
    );
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual(EXPORTED_NAMES);
    expect(EXPORTED_NAMES).toEqual(
      expect.arrayContaining(['NonstopIngestClient', 'NonstopApiError', 'verifyWebhookSignature', 'signWebhook']),
    );
  });

  it('runs its bin: --help, then a Korean document submitted and waited for, read back through an ESM import', async () => {
    const help = await run(bin, ['--help'], { cwd: project, env: outsiderEnv() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: nonstop-ingest <command>');

    const account = uniqueAccount('sdkpack');
    const documents = path.join(project, 'docs.jsonl');
    writeFileSync(
      documents,
      `${JSON.stringify({ chat_bot_id: 'bot001', content_name: 'https://예시.kr/봄', text: '서울의 봄은 따뜻하고 벚꽃이 핍니다.' })}\n`,
    );
    const submit = await run(bin, ['submit', documents, '--account', account, '--wait', '--poll', '100,200'], {
      cwd: project,
      env: { ...outsiderEnv(), NONSTOP_URL: listener.baseUrl },
    });
    expect(submit.code).toBe(0);
    expect(submit.stdout).toMatch(/1 succeeded, 0 failed/);
    const jobId = /created job ([0-9a-f-]{36})/.exec(submit.stderr)?.[1];
    expect(jobId).toBeDefined();

    const read = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      import { NonstopIngestClient } from '@nonstop/sdk';
      const client = new NonstopIngestClient({ baseUrl: process.env.NONSTOP_URL });
      const job = await client.getJob(process.argv[1]);
      const { results } = await client.search({ account_name: process.argv[2], query: '서울 봄 날씨', top_k: 1 });
      console.log(JSON.stringify({ status: job.status, found: results[0]?.content_name }));
    `,
        jobId!,
        account,
      ],
      { cwd: project, env: { ...outsiderEnv(), NONSTOP_URL: listener.baseUrl } },
    );
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toEqual({ status: 'completed', found: 'https://예시.kr/봄' });
  });

  it('type-checks a TypeScript consumer (CommonJS and ESM) against the shipped .d.ts', async () => {
    const consumer = `
      import { NonstopIngestClient, NonstopApiError, verifyWebhookSignature, type JobStatus, type JobView } from '@nonstop/sdk';
      export async function finalStatus(client: NonstopIngestClient, jobId: string): Promise<JobStatus> {
        const view: JobView = await client.waitForJob(jobId, { deadlineMs: 60_000 });
        return view.status;
      }
      export function isRefusal(error: unknown): boolean {
        return error instanceof NonstopApiError && error.status === 400 && error.fields.length > 0;
      }
      export const checked: boolean = verifyWebhookSignature({ secret: 's', rawBody: '{}', timestampHeader: '1', signatureHeader: 'v1=00' }).ok;
      // @ts-expect-error the shipped types are real: account_name is a string
      export const refused = new NonstopIngestClient({ baseUrl: 'http://127.0.0.1:8000' }).search({ account_name: 1, query: 'x' });
    `;
    writeFileSync(path.join(project, 'consumer.cts'), consumer);
    writeFileSync(path.join(project, 'consumer.mts'), consumer);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022'],
          strict: true,
          noEmit: true,
          // a Node 20 project has @types/node (the client's types name fetch and AbortSignal); borrow the repo's
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['consumer.cts', 'consumer.mts'],
      }),
    );
    const checkedTypes = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, env: outsiderEnv() });
    expect(checkedTypes.stdout + checkedTypes.stderr).toBe('');
    expect(checkedTypes.code).toBe(0);
  });
});

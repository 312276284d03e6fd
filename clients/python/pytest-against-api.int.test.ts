import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../test/support/in-process-api';
import { JobHarness } from '../../test/support/job-harness';
import { run } from '../../test/support/run-command';
import { testConfig, uniqueAccount } from '../../test/support/test-env';

const ROOT = path.resolve(__dirname, '../..');
const CLIENT_DIR = path.join(ROOT, 'clients/python');
const PYTHON = path.join(CLIENT_DIR, '.venv/bin/python');
const WEBHOOK_SECRET = 'whsec_python_client_test';

/**
 * The Python client's own tests (pytest, in clients/python/tests) against the
 * real API and a real worker on the test services, so they run in `npm test`
 * and in CI. The venv is made on first use from the pinned requirements.
 */
describe('the Python client against the real API and a real worker', () => {
  const harness = new JobHarness({ WEBHOOK_SECRET, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '200' });
  const config = testConfig(harness.env);
  let api: InProcessApi;
  let listener: Awaited<ReturnType<typeof listenOnLoopback>>;

  beforeAll(async () => {
    harness.startWorker(); // it boots while the venv is checked (or made: up to a few minutes from PyPI)
    const venv = await run('bash', [path.join(ROOT, 'scripts/python-client-venv.sh')], { cwd: ROOT, timeoutMs: 240_000 });
    if (venv.code !== 0) throw new Error(`scripts/python-client-venv.sh failed:\n${venv.stdout}${venv.stderr}`);
    api = await startInProcessApi(config);
    listener = await listenOnLoopback(api);
  });
  afterAll(async () => {
    await harness.stopAll();
    await listener?.close();
    await api?.close();
  });

  it('type-checks under mypy --strict (the package and its tests)', async () => {
    const checked = await run(PYTHON, ['-m', 'mypy'], { cwd: CLIENT_DIR });
    expect(checked.stdout + checked.stderr).toMatch(/^Success: no issues found/);
  });

  it('passes pytest: sync and async jobs, results, cancel, sync insert, search, errors, webhook signatures', async () => {
    const tests = await run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], {
      cwd: CLIENT_DIR,
      env: { ...process.env, NONSTOP_TEST_BASE_URL: listener.baseUrl, NONSTOP_TEST_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    if (tests.code !== 0) throw new Error(`pytest failed (exit ${tests.code}):\n${tests.stdout}${tests.stderr}`);
    expect(tests.stdout).toMatch(/\d+ passed/);
    expect(tests.stdout).not.toMatch(/skipped|xfail/);
  });

  it('builds a wheel that works outside the repository (typed, Korean intact)', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'nonstop-python-wheel-'));
    try {
      const built = await run(PYTHON, ['-m', 'pip', 'wheel', '--quiet', '--no-deps', '--no-build-isolation', '--wheel-dir', work, CLIENT_DIR], { cwd: work });
      expect(built.code).toBe(0);
      const wheel = readdirSync(work).find((name) => name.endsWith('.whl'));
      expect(wheel).toMatch(/^nonstop_ingest-0\.1\.0-py3-none-any\.whl$/);
      const site = path.join(work, 'site');
      const installed = await run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--target', site, path.join(work, wheel!)], { cwd: work });
      expect(installed.code).toBe(0);
      // the venv only lends httpx; PYTHONPATH puts the installed wheel before the editable checkout
      const used = await run(PYTHON, ['-c', `
import json, pathlib, sys
import nonstop_ingest
with nonstop_ingest.Client(sys.argv[1]) as client:
    inserted = client.insert_batch_sync(sys.argv[2], [{"chat_bot_id": "bot001", "content_name": "https://예시.kr/휠",
        "chunks": [{"chunk_index": 0, "text": "바퀴 달린 패키지입니다."}]}])
    found = client.search(sys.argv[2], "패키지", top_k=1)["results"]
package = pathlib.Path(nonstop_ingest.__file__).parent
print(json.dumps({"from": str(package), "typed": (package / "py.typed").exists(),
                  "succeeded": inserted["success_count"], "found": found[0]["text"]}, ensure_ascii=False))
`, listener.baseUrl, uniqueAccount('pywheel')], { cwd: work, env: { ...process.env, PYTHONPATH: site } });
      expect(used.stderr).toBe('');
      expect(JSON.parse(used.stdout)).toEqual({
        from: path.join(site, 'nonstop_ingest'), typed: true, succeeded: 1, found: '바퀴 달린 패키지입니다.',
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

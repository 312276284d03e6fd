import { spawn } from 'node:child_process';
import path from 'node:path';

const FIXTURE = path.join(__dirname, 'fixtures/crashing-process.ts');

/** Runs the fixture in a real process; resolves with its exit code, signal and stdout + stderr. */
function runFixture(mode: 'throw' | 'reject'): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString('utf8');
    });
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString('utf8');
    });
    // The fixture would otherwise run forever: a handler that does not exit fails the test here.
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, output });
    });
  });
}

/** The JSON log lines of the output. */
function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('exitOnUncaughtErrors in a real process', () => {
  it('logs an uncaught exception at error level and exits with code 1', async () => {
    const { code, signal, output } = await runFixture('throw');
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    const lines = logLines(output);
    expect(lines[0]).toMatchObject({ message: 'crash fixture started' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        service: 'crash-fixture',
        message: 'uncaught exception; exiting so the supervisor restarts the process',
        error: expect.objectContaining({ name: 'Error', message: 'boom from a timer' }),
      }),
    );
  });

  it('logs an unhandled promise rejection at error level and exits with code 1', async () => {
    const { code, signal, output } = await runFixture('reject');
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(logLines(output)).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'unhandled promise rejection; exiting so the supervisor restarts the process',
        error: expect.objectContaining({ message: 'rejected and never handled' }),
      }),
    );
  });
});

import { BODY_MEMORY_COPIES, loadConfig } from '../src';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('body limits bounded against the process memory', () => {
  it('gives half of the memory to request bodies and keeps the 200 MB job limit where one such body fits', () => {
    const { limits } = loadConfig({}, 4 * GB);
    expect(limits.bodyMemoryBytes).toBe(2 * GB);
    expect(limits.maxJobBodyBytes).toBe(200 * MB);
    expect(limits.maxSyncBodyBytes).toBe(10 * MB);
    expect(limits.bodyMemoryPerKeyBytes).toBe(200 * MB * BODY_MEMORY_COPIES); // half the body memory, but at least one largest body
  });

  it('shrinks the default job body limit in a small process until one body fits, and lets one key hold that body', () => {
    const { limits } = loadConfig({}, 1 * GB);
    expect(limits.bodyMemoryBytes).toBe(512 * MB);
    expect(limits.maxJobBodyBytes).toBe(Math.floor((512 * MB) / BODY_MEMORY_COPIES));
    expect(limits.bodyMemoryPerKeyBytes).toBe(limits.maxJobBodyBytes * BODY_MEMORY_COPIES);
  });

  it('refuses an explicit body limit the body memory cannot hold, naming both variables', () => {
    expect(() => loadConfig({ MAX_JOB_BODY_BYTES: String(200 * MB) }, 1 * GB)).toThrow(/MAX_JOB_BODY_BYTES .* must fit BODY_MEMORY_BYTES/);
    expect(
      loadConfig({ MAX_JOB_BODY_BYTES: String(200 * MB), BODY_MEMORY_BYTES: String(200 * MB * BODY_MEMORY_COPIES) }, 1 * GB).limits
        .maxJobBodyBytes,
    ).toBe(200 * MB);
  });

  it('refuses a per-key share smaller than one body or larger than the whole', () => {
    const base = { MAX_JOB_BODY_BYTES: String(10 * MB), BODY_MEMORY_BYTES: String(400 * MB) };
    expect(() => loadConfig({ ...base, BODY_MEMORY_PER_KEY_BYTES: String(10 * MB) }, 4 * GB)).toThrow(/BODY_MEMORY_PER_KEY_BYTES/);
    expect(() => loadConfig({ ...base, BODY_MEMORY_PER_KEY_BYTES: String(500 * MB) }, 4 * GB)).toThrow(/BODY_MEMORY_PER_KEY_BYTES/);
    expect(loadConfig({ ...base, BODY_MEMORY_PER_KEY_BYTES: String(100 * MB) }, 4 * GB).limits.bodyMemoryPerKeyBytes).toBe(100 * MB);
  });
});

describe('stream caps, failed-authentication limit and trust proxy', () => {
  it('has defaults', () => {
    const config = loadConfig({}, 4 * GB);
    expect(config.stream).toMatchObject({ maxStreamsPerKey: 20, maxStreams: 1_000, keyRecheckMs: 10_000 });
    expect(config.auth).toMatchObject({ failuresPerWindow: 20, failureWindowSeconds: 60 });
    expect(config.trustProxy).toBe(false);
  });

  it('reads TRUST_PROXY as a boolean, a number of hops or a list of addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }, 4 * GB).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }, 4 * GB).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, 4 * GB).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'everyone!' }, 4 * GB)).toThrow(/TRUST_PROXY/);
  });
});

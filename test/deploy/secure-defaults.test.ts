import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeProblems, dockerfileProblems, secretDefaultsInComposeFile, type ComposeConfig } from '../../scripts/lib/secure-defaults';

const ROOT = path.join(__dirname, '../..');
const APPS = { app: ['api', 'worker'], migrate: 'migrate', keyless: ['e5'] };

/** The shape docker-compose.yml interpolates to, reduced to what the checks read. */
function secureCompose(): ComposeConfig {
  const app = (user: string) => ({
    environment: {
      DATABASE_URL: `postgres://${user}:3f9a0c@postgres:5432/nonstop_ingest`,
      REDIS_URL: 'redis://:77b1e2@redis:6379',
      MIGRATE_ON_START: 'false',
      ADMIN_TOKEN: '0c8d5e1f2a3b4c5d',
    },
    ports: [{ host_ip: '127.0.0.1', published: '8000', target: 8000 }],
  });
  return {
    services: {
      redis: { command: ['redis-server', '/usr/local/etc/redis/auth.conf'], configs: [{ source: 'redis-auth' }] },
      postgres: { environment: { POSTGRES_PASSWORD: 'e41f09' } },
      api: app('nonstop_app'),
      worker: app('nonstop_app'),
      migrate: app('nonstop_owner'),
      e5: {},
    },
    configs: { 'redis-auth': { content: 'requirepass 77b1e2\n' } },
  };
}

describe('secure defaults of docker-compose.yml and the Dockerfile', () => {
  it('find nothing wrong with the committed Dockerfile and a compose configuration of its shape', () => {
    expect(dockerfileProblems(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'), ['api', 'worker', 'e5'])).toEqual([]);
    expect(secretDefaultsInComposeFile(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'))).toEqual([]);
    expect(composeProblems(secureCompose(), APPS)).toEqual([]);
  });

  it('name a secret with a default, while an empty default (optional) is allowed', () => {
    expect(
      secretDefaultsInComposeFile(
        'POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}\nKEY: ${EMBEDDING_API_KEY:-}\nU: ${MINIO_ROOT_USER:-milvus}',
      ),
    ).toEqual([expect.stringContaining('POSTGRES_PASSWORD has a default value')]);
  });

  it.each<[string, (config: ComposeConfig) => void, RegExp]>([
    [
      'a well-known password',
      (c) => {
        c.services.postgres!.environment!.POSTGRES_PASSWORD = 'postgres';
      },
      /postgres: POSTGRES_PASSWORD is the well-known/,
    ],
    [
      'a well-known password inside a URL',
      (c) => {
        c.services.api!.environment!.DATABASE_URL = 'postgres://nonstop_app:postgres@postgres/x';
      },
      /api: DATABASE_URL carries/,
    ],
    [
      'Redis without requirepass',
      (c) => {
        c.configs = {};
      },
      /redis: no requirepass/,
    ],
    [
      'an app connecting to Redis without a password',
      (c) => {
        c.services.worker!.environment!.REDIS_URL = 'redis://redis:6379';
      },
      /worker: REDIS_URL connects to Redis without a password/,
    ],
    [
      'an app connecting as the superuser',
      (c) => {
        c.services.api!.environment!.DATABASE_URL = 'postgres://postgres:3f9a0c@postgres/x';
      },
      /api: connects to PostgreSQL as postgres/,
    ],
    [
      'an app connecting as the owner',
      (c) => {
        c.services.worker!.environment!.DATABASE_URL = 'postgres://nonstop_owner:3f9a0c@postgres/x';
      },
      /worker: connects to PostgreSQL as nonstop_owner/,
    ],
    [
      'migrations as the superuser',
      (c) => {
        c.services.migrate!.environment!.DATABASE_URL = 'postgres://postgres:3f9a0c@postgres/x';
      },
      /migrate: migrations must run as the schema's owner/,
    ],
    [
      'migrations on start',
      (c) => {
        delete c.services.worker!.environment!.MIGRATE_ON_START;
      },
      /worker: MIGRATE_ON_START must be "false"/,
    ],
    [
      'a port on every interface',
      (c) => {
        c.services.api!.ports = [{ published: '8000', target: 8000 }];
      },
      /api: port 8000 is published on every interface/,
    ],
    [
      'a host port for the embedding server, which takes no key',
      (c) => {
        c.services.e5!.ports = [{ host_ip: '127.0.0.1', published: '8390', target: 8390 }];
      },
      /e5: port 8390 is published, but e5 takes no key/,
    ],
  ])('name %s', (_what, spoil, problem) => {
    const config = secureCompose();
    spoil(config);
    expect(composeProblems(config, APPS)).toEqual([expect.stringMatching(problem)]);
  });

  it('name an image that runs as root or lets its user change its own files', () => {
    const image = (runtime: string) => `FROM node:20 AS base\nWORKDIR /app\n${runtime}\nFROM base AS api\nCMD ["node", "main.js"]\n`;
    expect(dockerfileProblems(image('COPY . .\nUSER node'), ['api'])).toEqual([]);
    expect(dockerfileProblems(image('COPY . .'), ['api'])).toEqual(['target api runs as root (no USER)']);
    expect(dockerfileProblems(image('COPY . .\nUSER root'), ['api'])).toEqual(['target api runs as root']);
    expect(dockerfileProblems(image('COPY --chown=node:node . .\nUSER node'), ['api'])).toEqual([
      expect.stringContaining("gives the app's user (node) its own files"),
    ]);
    expect(dockerfileProblems(image('COPY . .\nRUN chown -R node /app\nUSER node'), ['api'])).toEqual([
      expect.stringContaining('loosens file ownership'),
    ]);
    expect(dockerfileProblems(image('USER node'), ['worker'])).toEqual(['Dockerfile has no stage "worker"']);
  });
});

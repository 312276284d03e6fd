import type { Config } from 'jest';

/**
 * Two tiers by file name: `*.test.ts` are pure unit tests (no I/O);
 * `*.int.test.ts` run against real Redis, PostgreSQL, Milvus and the real
 * embedding model, serially (scripts/test.sh starts them).
 */
const transform: Config['transform'] = { '^.+\\.ts$': ['@swc/jest', {}] };
const roots = ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/test'];

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      testMatch: ['**/*.int.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration-setup.ts'],
    },
  ],
};

export default config;

import type { Config } from 'jest';

/**
 * Two tiers by file name: `*.test.ts` are pure unit tests (no I/O);
 * `*.int.test.ts` run against real Redis, PostgreSQL, Milvus and the real
 * embedding model, serially (scripts/test.sh starts them).
 */
const transform: Config['transform'] = { '^.+\\.ts$': ['@swc/jest', {}] };
const roots = ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/clients', '<rootDir>/test'];
// The SDK's package.json points at its compiled dist/ for npm users; tests
// here use its source, as tsc and tsx do (paths in tsconfig.base.json).
const moduleNameMapper: Config['moduleNameMapper'] = { '^@nonstop/sdk$': '<rootDir>/packages/sdk/src/index.ts' };

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      moduleNameMapper,
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      moduleNameMapper,
      testMatch: ['**/*.int.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration-setup.ts'],
    },
  ],
};

export default config;

/** Jest runs every suite under tests/: unit (ledger), integration (server on a loopback port, real SQLite), CLI. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  // .tsx: component tests of the panes (each file sets `@jest-environment jsdom` in its docblock)
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 60000,
  // Every temporary directory of a run is named after the run; the teardown fails the run on any left behind (tests/temp-dirs.ts).
  globalSetup: '<rootDir>/tests/global-setup.ts',
  globalTeardown: '<rootDir>/tests/global-teardown.ts',
};

/** Jest runs every suite under tests/: unit (ledger), integration (server on a loopback port, real SQLite), CLI. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  // .tsx: component tests of the panes (each file sets `@jest-environment jsdom` in its docblock)
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 60000,
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking is done once by `npm run typecheck`; jest only transpiles (tsconfig.json's
    // isolatedModules tells ts-jest so).
    '^.+\\.ts$': 'ts-jest',
  },
  testTimeout: 60000,
};

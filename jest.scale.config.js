// Scale tests (npm run test:scale): several built app processes on one PostgreSQL and one Redis,
// from TEST_DATABASE_URL and TEST_REDIS_URL (defaults: the local servers). Kept apart from
// jest.config.js so that `npm test` needs no outside service.

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'scale',
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test/scale'],
  testRegex: '\\.scale-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['reflect-metadata'],
  testTimeout: 60_000,
  maxWorkers: 1,
};

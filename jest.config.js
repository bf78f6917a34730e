// Unit tests sit beside the code (src/**/*.spec.ts); end-to-end tests in test/ drive the real
// application over HTTP on temporary SQLite databases.
const transform = { '^.+\\.ts$': 'ts-jest' };

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads the timeout from the root config only. The e2e suites start real apps and run
  // bcrypt; shared CI machines can be slow.
  testTimeout: 30_000,
  // Every core: the suites wait on sockets and timers as much as they compute (Jest's default
  // leaves one core to itself, half of a two-core CI machine).
  maxWorkers: '100%',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/src'],
      testRegex: '\\.spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      setupFiles: ['reflect-metadata'],
    },
  ],
};

// Unit tests sit beside the code (src/**/*.spec.ts); end-to-end tests in test/ drive the real
// application over HTTP on temporary SQLite databases.
const transform = { '^.+\\.ts$': 'ts-jest' };

/** @type {import('jest').Config} */
module.exports = {
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
      // Each suite starts real apps and runs bcrypt; shared CI machines can be slow. The limit
      // of 30 s per test is set in test/helpers/e2e-timeout.ts: Jest ignores a project's
      // `testTimeout` and would keep its default of 5 s.
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      setupFiles: ['reflect-metadata'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/e2e-timeout.ts'],
    },
  ],
};

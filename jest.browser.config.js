// Browser tests (npm run test:browser): the built app in its own process, driven through Debian's
// Chromium. Kept apart from jest.config.js so that `npm test` needs no browser.

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'browser',
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test/browser'],
  testRegex: '\\.browser-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/browser/tsconfig.json' }] },
  testTimeout: 30_000,
  // The tests mostly wait on Chromium and the app: two files at once, even on two cores.
  maxWorkers: 2,
};

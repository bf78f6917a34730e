// The e2e project's time limit for each test and hook. Jest reads `testTimeout` only from the
// top-level config, not from a project's (jestjs/jest#9759), so the project sets it here instead.
jest.setTimeout(30_000);

// The layout's one rule, checked in CI (`npm run lint:layers`): dependencies point one way.
//   features (auth/<feature>, account)  ->  core (users, sessions, activity, rate-limits,
//   auth/core)
//   ->  plumbing and infrastructure (web, infra, observability)  ->  config
// No folder imports one above it, no feature imports another, and nothing is circular.
// The files at the root of src/ (main, app.module, app.setup, entities) put it all together.

const FEATURES = '^src/(auth/(?!core/)[^/]+|account|operator)/';
const CORE = '^src/(users|sessions|activity|rate-limits|housekeeping|auth/core)/';
const BOTTOM = '^src/(web|infra|observability|config)/';
const ROOT_FILES = '^src/[^/]+$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two folders one: neither can be understood or changed alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-feature',
      severity: 'error',
      comment:
        'Users, sessions, rate limits and auth core are shared by the features, not the reverse.',
      from: { path: CORE },
      to: { path: FEATURES },
    },
    {
      name: 'plumbing-imports-no-feature-or-core',
      severity: 'error',
      comment: 'Web plumbing, infrastructure, observability and config know no feature.',
      from: { path: BOTTOM },
      to: { path: [FEATURES, CORE] },
    },
    {
      name: 'config-imports-only-config',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(?!config/)' },
    },
    {
      name: 'infra-imports-no-web',
      severity: 'error',
      comment: 'Database, Redis and mail work without pages.',
      from: { path: '^src/infra/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'features-import-no-other-feature',
      severity: 'error',
      comment: 'Each feature stands alone: what two features share belongs in the core.',
      from: { path: '^src/(auth/(?!core/)[^/]+|account|operator)/' },
      to: {
        path: FEATURES,
        pathNot: '^src/$1/',
      },
    },
    {
      name: 'nothing-imports-the-root',
      severity: 'error',
      comment:
        'main, app.module, app.setup and entities assemble the app; no folder depends on them.',
      from: { path: '^src/[^/]+/', pathNot: '\\.spec\\.ts$' },
      to: { path: ROOT_FILES },
    },
    {
      name: 'no-test-code-in-the-app',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/infra/database/migrations/' },
  },
};

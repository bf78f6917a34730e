/**
 * npm run fuzz: sends thousands of malformed requests to every route of the built app (see
 * routes.ts), with valid and invalid form tokens, and fails on any 5xx, any log line at level
 * error, the process exiting, or an account or signed-in session that should not exist.
 *
 *   FUZZ_SEED=1234 | random    the run's seed (default 1); the same seed makes the same cases
 *   FUZZ_CASE=N                sends only case N of the seed (after the same setup) and shows it
 *   FUZZ_REQUESTS=12000        how many cases to send
 *   FUZZ_CONCURRENCY=12        connections at once
 *   FUZZ_DATABASE=postgres     PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL), not SQLite
 *   E2E_LOGS=1                 shows what the app logs
 */
import 'reflect-metadata';
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AppProcess, startAppProcess } from '../test/helpers/app-process';
import { describeCase, FuzzContext, makeCase } from './case';
import {
  checkAnswers,
  checkLogs,
  checkStorage,
  Failure,
  formatFailure,
  Sent,
  SetupState,
  tally,
} from './checks';
import { isSignedIn, prepareCredentials, Visitor } from './credentials';
import { GENERATORS } from './generators';
import { printable } from './request';
import { send } from './send';
import { createStorage, Storage } from './storage';

/**
 * A finished request with no full answer after this long is a failure. Longer than the short
 * request timeout the app runs with here (see `fuzz`), plus the server's one-second check.
 */
const TIMEOUT_MS = 8_000;
/** An unfinished request (on purpose) is given up on after this long. */
const CUT_AFTER_MS = 200;
/** A run that takes longer than this has something slow or stuck: it stops and fails. */
const DEADLINE_MS = 150_000;

interface Options {
  seed: number;
  /** The indexes of the cases to send. */
  cases: number[];
  concurrency: number;
  database: string;
}

/** What a run of the app leaves for the checks. */
interface Run {
  sent: Sent[];
  failures: Failure[];
  output: string;
  setup?: SetupState;
  seconds: string;
}

async function main(): Promise<void> {
  const options = readOptions();
  const storage = await createStorage(options.database);
  try {
    console.log(`FUZZ_SEED=${options.seed} (the same value sends the same cases again)`);
    console.log(`Storage: ${storage.description}`);
    const run = await fuzz(storage, options);

    const failures = [
      ...run.failures,
      ...checkAnswers(run.sent),
      ...checkLogs(run.output, run.sent),
    ];
    if (run.setup) {
      failures.push(...checkStorage(await storage.read(), run.setup));
    }
    report(run, failures, options);
    process.exitCode = failures.length > 0 ? 1 : 0;
  } finally {
    await storage.remove();
  }
}

/** Starts the app, prepares the browsers, sends the cases, checks the app still serves, stops. */
async function fuzz(storage: Storage, options: Options): Promise<Run> {
  const secret = randomBytes(32).toString('hex');
  const app = await startAppProcess({
    ...storage.env,
    SESSION_SECRET: secret,
    // High, so that the limits hide little of how the routes handle what they are sent; the
    // setup account's email is tried often enough to reach the 429 page now and then.
    THROTTLE_LOGIN_PER_MINUTE: '20',
    LOCKOUT_THRESHOLD: '1000',
    THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '100000',
    THROTTLE_REGISTER_PER_HOUR: '100000',
    // Some requests look finished to the fuzzer but not to Node (an `Upgrade` request with a
    // chunked body: Node reads no body after an upgrade), which answers them 408 when the
    // request timeout runs out. Short timeouts bring that answer within TIMEOUT_MS; a request
    // still unanswered after it is a hang.
    HTTP_HEADERS_TIMEOUT_SECONDS: '2',
    HTTP_REQUEST_TIMEOUT_SECONDS: '3',
  });
  const run: Run = { sent: [], failures: [], output: '', seconds: '' };
  const started = performance.now();
  try {
    const credentials = await prepareCredentials(app.url);
    const { kept, disposable } = credentials;
    run.setup = {
      users: 1,
      sessionIds: [kept, ...disposable].map((visitor) => visitor.sessionId as string),
      keptSessionId: kept.sessionId as string,
    };
    const context = { credentials, host: new URL(app.url).host, secret };
    console.log(
      `Sending ${options.cases.length} case(s) over ${options.concurrency} connections to ${app.url}`,
    );
    await sendCases(app, context, options, run);
    await checkStillServing(app, kept, run);
  } catch (error) {
    const lastLines = app.output().split('\n').slice(-40).join('\n');
    console.error(`The run stopped. The app's last lines:\n${lastLines}`);
    throw error;
  } finally {
    const running = app.running();
    const code = await app.stop();
    if (running && code !== 0) {
      run.failures.push({ title: `The app exited with ${code} on SIGTERM, not 0`, cases: [] });
    } else if (!running) {
      const exit = code === null ? 'killed by a signal' : `exit code ${code}`;
      const lastLines = app.output().split('\n').slice(-20).join('\n');
      run.failures.push({
        title: `The app process ended during the run (${exit})`,
        detail: `Its last lines:\n${lastLines}`,
        cases: run.sent.slice(-options.concurrency),
      });
    }
    run.output = app.output();
    run.seconds = ((performance.now() - started) / 1000).toFixed(1);
  }
  return run;
}

/** Sends the cases over `concurrency` connections at once, until all are sent or the app exits. */
async function sendCases(
  app: AppProcess,
  context: FuzzContext,
  options: Options,
  run: Run,
): Promise<void> {
  const port = Number(new URL(app.url).port);
  const started = performance.now();
  let next = 0;
  // Why the sending stopped before the last case, if it did.
  let stop: 'the app ended' | 'too long' | undefined;
  const worker = async () => {
    while (next < options.cases.length && stop === undefined) {
      const built = makeCase(options.cases[next++], options.seed, context, GENERATORS);
      const startedAt = Date.now();
      const answer = await send({
        port,
        bytes: built.bytes,
        methods: built.methods,
        incomplete: built.incomplete,
        cutAfterMs: CUT_AFTER_MS,
        timeoutMs: TIMEOUT_MS,
      });
      run.sent.push({ built, answer, startedAt, endedAt: Date.now() });
      if (run.sent.length % 2000 === 0) {
        console.log(`  ${run.sent.length} cases in ${seconds(started)} s`);
      }
      if (!app.running()) {
        stop = 'the app ended'; // reported with its exit code once it is stopped
      } else if (performance.now() - started > DEADLINE_MS) {
        stop = 'too long';
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (stop === 'too long') {
    run.failures.push({
      title: `Sending took more than ${DEADLINE_MS / 1000} s, and was stopped`,
      cases: run.sent.slice(-options.concurrency),
    });
  }
}

/** After the run, the app still serves, and the session kept through it is still signed in. */
async function checkStillServing(app: AppProcess, kept: Visitor, run: Run): Promise<void> {
  if (!app.running()) {
    return;
  }
  try {
    const login = await fetch(`${app.url}/login`);
    await login.arrayBuffer();
    if (login.status !== 200) {
      run.failures.push({ title: `After the run, GET /login answers ${login.status}`, cases: [] });
    }
    if (!(await isSignedIn(app.url, kept))) {
      run.failures.push({ title: 'After the run, the kept session is signed out', cases: [] });
    }
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    run.failures.push({
      title: `After the run, the app does not answer: ${String(cause)}`,
      cases: [],
    });
  }
}

function report(run: Run, failures: Failure[], { seed, cases }: Options): void {
  const { sent } = run;
  if (cases.length === 1 && sent.length === 1) {
    const [{ built, answer }] = sent;
    console.log(`\nCase ${built.index}: ${describeCase(built)}`);
    console.log(printable(built.bytes, 4000));
    console.log(`\nAnswer: ${answer.statuses.join(', ') || 'no status'} (${answer.outcome})`);
    console.log(printable(answer.head, 4000));
  }
  const requests = sent.reduce((sum, { built }) => sum + built.methods.length, 0);
  console.log(`\n${sent.length} cases, ${requests} requests in ${run.seconds} s`);
  console.log(
    `Answers: ${tally(sent, ({ answer }) => answerKeys(answer.statuses, answer.outcome))}`,
  );
  console.log(`Generators: ${tally(sent, ({ built }) => built.generators)}`);
  console.log(`Mixes: ${tally(sent, ({ built }) => [built.mix])}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} failure(s):\n`);
    console.log(failures.map((failure) => formatFailure(failure, seed)).join('\n\n'));
  }
  // The closing count, as test runners print it: a case fails when a failure names it; a
  // failure that names no case (the app stopped answering, say) counts once.
  const failed = new Set(failures.flatMap((failure) => failure.cases));
  const unnamed = failures.filter((failure) => failure.cases.length === 0).length;
  console.log(`\nFuzz: ${sent.length - failed.size} passed, ${failed.size + unnamed} failed`);
}

/** Each status of an answer, or how it ended when it has none. */
function answerKeys(statuses: number[], outcome: string): string[] {
  if (statuses.length > 0) {
    return statuses.map(String);
  }
  return [outcome === 'cut' ? 'cut (unfinished on purpose)' : `no status (${outcome})`];
}

function readOptions(): Options {
  const { FUZZ_SEED, FUZZ_CASE, FUZZ_REQUESTS, FUZZ_CONCURRENCY, FUZZ_DATABASE } = process.env;
  const seed = FUZZ_SEED === 'random' ? randomInt(2 ** 31) : wholeNumber('FUZZ_SEED', FUZZ_SEED, 1);
  const total = wholeNumber('FUZZ_REQUESTS', FUZZ_REQUESTS, 12_000);
  return {
    seed,
    cases:
      FUZZ_CASE === undefined ? [...Array(total).keys()] : [wholeNumber('FUZZ_CASE', FUZZ_CASE, 0)],
    concurrency: wholeNumber('FUZZ_CONCURRENCY', FUZZ_CONCURRENCY, 12),
    database: FUZZ_DATABASE ?? 'sqlite',
  };
}

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number >= 2 ** 32) {
    throw new Error(`${name} must be a whole number from 0 to 2^32 - 1, not ${value}`);
  }
  return number;
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

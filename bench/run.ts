import 'reflect-metadata';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BCRYPT_SLOTS } from '../src/auth/core/passwords/password.service';
import { compareMs } from './bcrypt-ceiling';
import { BenchDatabase, SeededAccount, seededDatabase, sessionCookie } from './database';
import { FLOOR_SESSION_IDS } from './floor-sessions';
import { LoadResult, inRounds, load, median, medianRatio, medianResult } from './load';
import { BenchReport, formatReport, tableRows } from './report';
import { Server, startServer } from './servers';
import { resetRequestRound } from './reset-requests';
import { sequentialSignIns, signInFlood } from './sign-ins';

const ROOT = join(__dirname, '..');
const OUTPUT_DIR = join(ROOT, 'artifacts', 'bench');

/** Every figure is the median of this many short rounds, each a few seconds long. */
const ROUNDS = 3;
const ROUND_SECONDS = 3;
const SMALL_DATABASE = 1_000;
const LARGE_DATABASE = 100_000;
/** The memory figure: resident memory before and after this many more sessions are served. */
const MEMORY_SESSIONS = 10_000;
/** The account pages are measured for an account signed in this many times at once. */
const ACCOUNT_SESSIONS = 50;
/** Requests between two readings of resident memory. */
const MEMORY_READING_GAP = 500;
const CORES = availableParallelism();
/** Sign-ins in flight during a flood: enough to keep every bcrypt slot busy. */
const FLOOD_CLIENTS = 4 * CORES;
/** A flood fills the bcrypt queue for this long before anything is measured. */
const FLOOD_WARMUP_MS = 1000;
/** A light, steady load on GET /login, in requests per second, whose p99 shows any stall. */
const PROBE_RATE = 50;
const PROBE_SECONDS = 4;
/** Sign-in latency: this many rounds of a few sign-ins on each database, one at a time. */
const SIGN_IN_ROUNDS = 5;
const SIGN_INS_PER_ROUND = 2;
/** Reset requests: this many rounds of this many pairs (an existing address, an unknown one). */
const RESET_ROUNDS = 5;
const RESET_PAIRS = 20;
/** A run takes about five minutes; one that takes this long is stuck, and is stopped. */
const RUN_TIMEOUT_MS = 10 * 60 * 1000;

async function main(): Promise<void> {
  const bcryptCost = Number(process.env.BCRYPT_COST || 12);
  const secret = randomBytes(32).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'nest-auth-bench-'));
  const cleanup: (() => Promise<void>)[] = [];
  const started = performance.now();

  try {
    step(
      `Seeding two databases: ${count(SMALL_DATABASE)} and ${count(LARGE_DATABASE)} users, ` +
        `each signed in (and ${count(MEMORY_SESSIONS)} more sessions in the first, ` +
        `${ACCOUNT_SESSIONS} of them one account's)`,
    );
    const seed = async (size: number, moreSessions = 0, crowdedSessions = 0) => {
      const seeded = await seededDatabase(
        mkdir(join(dir, String(size))),
        size,
        bcryptCost,
        moreSessions,
        crowdedSessions,
      );
      cleanup.push(() => seeded.database.close());
      return seeded;
    };
    const small = await seed(SMALL_DATABASE, MEMORY_SESSIONS, ACCOUNT_SESSIONS);
    const large = await seed(LARGE_DATABASE);

    step('Starting the baseline and an app on each database (production mode, 127.0.0.1)');
    const start = async (...args: Parameters<typeof startServer>) => {
      const server = await startServer(...args);
      cleanup.push(() => server.stop());
      return server;
    };
    const baseline = await start(
      'baseline',
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'hello-app.ts')],
      { NODE_ENV: 'production' },
      '/',
    );
    const baselineTwoWorkers = await start(
      'baseline (2 workers)',
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'hello-app.ts')],
      { NODE_ENV: 'production', WORKERS: '2' },
      '/',
    );
    const floor = await start(
      'floor',
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'stack-floor-app.ts')],
      { NODE_ENV: 'production', SESSION_SECRET: secret },
      '/login',
    );
    const appEnv = (database: BenchDatabase, workers = 1) => ({
      NODE_ENV: 'production',
      // Production runs one worker per core by default; every figure but one is of one worker.
      WORKERS: String(workers),
      ...database.env,
      SESSION_SECRET: secret,
      BCRYPT_COST: String(bcryptCost),
      // As behind a TLS-terminating proxy: the load sends X-Forwarded-Proto: https, so the
      // Secure session cookie is issued over plain HTTP on 127.0.0.1.
      TRUST_PROXY: 'loopback',
      // The sign-in flood comes from one address, many times the default per-network limit.
      THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '100000',
      // The reset requests too (each address is asked for once).
      THROTTLE_RESET_PER_NETWORK_PER_HOUR: '100000',
      // Required in production; the bench sends no mail, and nothing listens on port 1.
      APP_URL: 'https://localhost',
      MAIL_URL: 'smtp://127.0.0.1:1',
      // Passed on when set, so that one can try another thread pool (and bcrypt limit) size.
      ...(process.env.UV_THREADPOOL_SIZE && { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE }),
    });
    const app = await start(
      'app',
      [join(ROOT, 'dist', 'main.js')],
      appEnv(small.database),
      '/healthz',
    );
    const appLarge = await start(
      'app (large database)',
      [join(ROOT, 'dist', 'main.js')],
      appEnv(large.database),
      '/healthz',
    );
    const rssAtStart = app.rssBytes();
    const appTwoWorkers = await start(
      'app (2 workers)',
      [join(ROOT, 'dist', 'main.js')],
      appEnv(small.database, 2),
      '/healthz',
    );

    const hello = () => load({ url: baseline.url, duration: ROUND_SECONDS });
    const helloTwoWorkers = () => load({ url: baselineTwoWorkers.url, duration: ROUND_SECONDS });
    const floorLogin = () => load({ url: `${floor.url}/login`, duration: ROUND_SECONDS });
    const floorHome = () =>
      load({
        url: `${floor.url}/`,
        duration: ROUND_SECONDS,
        requests: [rotating(cookiesOf(FLOOR_SESSION_IDS))],
      });
    const loginPage = () => load({ url: `${app.url}/login`, duration: ROUND_SECONDS });
    const cookiesOf = (sessionIds: string[]) => sessionIds.map((id) => sessionCookie(id, secret));
    const home = (server: Server, accounts: SeededAccount[]) => {
      const cookies = cookiesOf(accounts.map((account) => account.sessionId));
      return () =>
        load({ url: `${server.url}/`, duration: ROUND_SECONDS, requests: [rotating(cookies)] });
    };
    const homeSmall = home(app, small.accounts);
    /** A page of the account with ACCOUNT_SESSIONS sessions, each request from one of them. */
    const accountPage = (path: string) => {
      const cookies = cookiesOf(small.crowdedSessionIds);
      return () =>
        load({ url: `${app.url}${path}`, duration: ROUND_SECONDS, requests: [rotating(cookies)] });
    };
    const homeTwoWorkers = home(appTwoWorkers, small.accounts);
    const homeLarge = home(appLarge, large.accounts);
    const signIns = (server: Server, accounts: SeededAccount[]) => async () =>
      median(await sequentialSignIns(server.url, accounts, SIGN_INS_PER_ROUND));
    const flood = (windowMs: number) =>
      signInFlood(app.url, small.accounts, FLOOD_CLIENTS, {
        warmupMs: FLOOD_WARMUP_MS,
        windowMs,
      });
    const probe = () =>
      load({
        url: `${app.url}/login`,
        connections: 2,
        overallRate: PROBE_RATE,
        duration: PROBE_SECONDS,
      });

    step('Warming up');
    await load({ url: baseline.url, duration: 2 });
    await load({ url: `${app.url}/login`, duration: 1 });
    await helloTwoWorkers();
    await floorLogin();
    await floorHome();
    await homeSmall();
    await homeLarge();
    // Long enough for the second worker, which starts once the first listens.
    await homeTwoWorkers();
    await homeTwoWorkers();
    await signIns(app, small.accounts)();
    await signIns(appLarge, large.accounts)();

    step(
      'Signed-in GET /: the baseline, the floor, each database, then 2 workers of the baseline ' +
        'and of the app, in each round',
    );
    const homeRounds = await inRounds(ROUNDS, {
      baseline: hello,
      floor: floorHome,
      small: homeSmall,
      large: homeLarge,
      baselineTwoWorkers: helloTwoWorkers,
      twoWorkers: homeTwoWorkers,
    });
    await appTwoWorkers.stop();
    await baselineTwoWorkers.stop();
    step('Sign-in latency, one at a time, on each database in each round');
    const signInRounds = await inRounds(SIGN_IN_ROUNDS, {
      small: signIns(app, small.accounts),
      large: signIns(appLarge, large.accounts),
    });
    await appLarge.stop();

    step('Anonymous GET /login against the baseline and the floor, in each round');
    const sessionsBefore = await small.database.countSessions();
    const loginRounds = await inRounds(ROUNDS, {
      baseline: hello,
      floor: floorLogin,
      app: loginPage,
    });
    await floor.stop();
    const sessionsWritten = (await small.database.countSessions()) - sessionsBefore;
    if (sessionsWritten > 0) {
      throw new Error(
        `Anonymous GET /login stored ${sessionsWritten} sessions; it should store none`,
      );
    }

    step(
      `GET /account and GET /account/sessions of an account with ${ACCOUNT_SESSIONS} sessions, ` +
        'against the baseline, in each round',
    );
    await accountPage('/account')();
    await accountPage('/account/sessions')();
    const accountRounds = await inRounds(ROUNDS, {
      baseline: hello,
      settings: accountPage('/account'),
      sessions: accountPage('/account/sessions'),
    });

    step(
      `Resident memory at rest, then after signed-in GET / on ${count(MEMORY_SESSIONS)} more ` +
        'sessions, one request each',
    );
    // Between readings, and before the first, the same signed-in pages on the sessions the
    // rounds above have used already: the readings differ only by the sessions served between.
    const homeCookies = cookiesOf(small.accounts.map((account) => account.sessionId));
    const samePages = (amount: number) =>
      load({ url: `${app.url}/`, amount, requests: [rotating(homeCookies)] });
    await samePages(MEMORY_SESSIONS / 2);
    const rssAtRest = await residentMemory(app, samePages);
    // Each of the seeded sessions once: the store loads it and Passport its user. Any answer but
    // 200 (a 303 to /login for a session the app did not find) stops the bench.
    const served = await load({
      url: `${app.url}/`,
      amount: MEMORY_SESSIONS,
      requests: [rotating(cookiesOf(small.moreSessionIds))],
    });
    if (served.requests < MEMORY_SESSIONS) {
      throw new Error(`Only ${served.requests} of ${MEMORY_SESSIONS} sessions were served`);
    }
    const rssAfterSessions = await residentMemory(app, samePages);

    step('Reset requests, one at a time: an existing address, then an unknown one, in each round');
    const resetEmails = small.accounts.map((account) => account.email);
    const resetRounds = await inRounds(RESET_ROUNDS, {
      requests: () => resetRequestRound(app.url, resetEmails, RESET_PAIRS),
    });

    step('Sign-ins per second against the bcrypt ceiling, in each round');
    // The ceiling is timed just before and just after each flood, and the two averaged.
    const timeCompare = () => compareMs(bcryptCost, CORES, 1000);
    const signInFloodRounds = await inRounds(ROUNDS, {
      compareBefore: timeCompare,
      flood: () => flood(ROUND_SECONDS * 1000),
      compareAfter: timeCompare,
    });
    const compareTimes = signInFloodRounds.compareBefore.map(
      (before, round) => (before + signInFloodRounds.compareAfter[round]) / 2,
    );
    const ceilings = compareTimes.map((ms) => CORES * (1000 / ms));

    step('GET /login p99 at rest, then under a sign-in flood, in each round');
    const eventLoopRounds = await inRounds(ROUNDS, {
      atRest: probe,
      underFlood: async () => {
        const [, result] = await Promise.all([
          flood(PROBE_SECONDS * 1000),
          delay(FLOOD_WARMUP_MS).then(probe),
        ]);
        return result;
      },
    });

    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: {
        cores: CORES,
        cpu: cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      settings: {
        database: small.database.description,
        bcryptCost,
        bcryptSlots: BCRYPT_SLOTS,
        rounds: ROUNDS,
        roundSeconds: ROUND_SECONDS,
        floodClients: FLOOD_CLIENTS,
        probeRate: PROBE_RATE,
      },
      baseline: medianResult([
        ...homeRounds.baseline,
        ...loginRounds.baseline,
        ...accountRounds.baseline,
      ]),
      floor: {
        login: {
          result: medianResult(loginRounds.floor),
          ratio: medianRatio(loginRounds.floor, loginRounds.baseline, reqPerSec),
        },
        home: {
          result: medianResult(homeRounds.floor),
          ratio: medianRatio(homeRounds.floor, homeRounds.baseline, reqPerSec),
        },
      },
      baselineTwoWorkers: {
        result: medianResult(homeRounds.baselineTwoWorkers),
        ratio: medianRatio(homeRounds.baselineTwoWorkers, homeRounds.baseline, reqPerSec),
      },
      anonymousLogin: {
        result: medianResult(loginRounds.app),
        ratio: medianRatio(loginRounds.app, loginRounds.baseline, reqPerSec),
      },
      signedInHome: {
        result: medianResult(homeRounds.small),
        ratio: medianRatio(homeRounds.small, homeRounds.baseline, reqPerSec),
      },
      accountPages: {
        sessions: ACCOUNT_SESSIONS,
        settings: {
          result: medianResult(accountRounds.settings),
          ratio: medianRatio(accountRounds.settings, accountRounds.baseline, reqPerSec),
        },
        sessionsPage: {
          result: medianResult(accountRounds.sessions),
          ratio: medianRatio(accountRounds.sessions, accountRounds.baseline, reqPerSec),
        },
      },
      twoWorkers: {
        result: medianResult(homeRounds.twoWorkers),
        ratio: medianRatio(homeRounds.twoWorkers, homeRounds.small, reqPerSec),
      },
      signIns: {
        perSecond: median(signInFloodRounds.flood.map((result) => result.perSecond)),
        compareMs: median(compareTimes),
        ceiling: median(ceilings),
        ratio: median(signInFloodRounds.flood.map((result, i) => result.perSecond / ceilings[i])),
      },
      eventLoop: {
        atRestP99: median(eventLoopRounds.atRest.map(p99)),
        underFloodP99: median(eventLoopRounds.underFlood.map(p99)),
        ratio: medianRatio(eventLoopRounds.underFlood, eventLoopRounds.atRest, p99),
      },
      growth: {
        small: SMALL_DATABASE,
        large: LARGE_DATABASE,
        homeSmallP50: median(homeRounds.small.map(p50)),
        homeLargeP50: median(homeRounds.large.map(p50)),
        homeRatio: medianRatio(homeRounds.large, homeRounds.small, p50),
        signInSmallMs: median(signInRounds.small),
        signInLargeMs: median(signInRounds.large),
        signInRatio: medianRatio(signInRounds.large, signInRounds.small, (ms) => ms),
      },
      resetRequests: {
        existingP50: median(resetRounds.requests.map((round) => round.existingMs)),
        unknownP50: median(resetRounds.requests.map((round) => round.unknownMs)),
        ratio: median(resetRounds.requests.map((round) => round.existingMs / round.unknownMs)),
      },
      memory: {
        atStart: rssAtStart,
        atRest: rssAtRest,
        afterSessions: rssAfterSessions,
        sessionsServed: MEMORY_SESSIONS,
      },
      rounds: {
        homeRounds,
        signInRounds,
        loginRounds,
        accountRounds,
        resetRounds,
        signInFloodRounds,
        eventLoopRounds,
      },
      durationSeconds: (performance.now() - started) / 1000,
    };

    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = join(OUTPUT_DIR, `bench-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ ...report, table: tableRows(report) }, null, 2)}\n`);
    console.log(`\n${formatReport(report)}\n\nWritten to ${relative(process.cwd(), file)}`);
  } finally {
    for (const undo of cleanup.reverse()) {
      await undo();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A request template that sends each request with the next session cookie of the list, from
 * the first: `amount` requests on as many cookies send each once.
 */
function rotating(cookies: string[]): autocannon.Request {
  let next = 0;
  return {
    setupRequest: (request) => {
      const cookie = cookies[next];
      next = (next + 1) % cookies.length;
      return { ...request, headers: { ...request.headers, cookie } };
    },
  };
}

const reqPerSec = (result: LoadResult) => result.reqPerSec;
const p50 = (result: LoadResult) => result.p50;
const p99 = (result: LoadResult) => result.p99;

/**
 * The app's resident memory: the median of three readings a few hundred requests apart, since
 * one reading depends on when V8 last collected garbage. Each waits a second for the app to
 * settle.
 */
async function residentMemory(
  server: Server,
  between: (amount: number) => Promise<unknown>,
): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      await between(MEMORY_READING_GAP);
    }
    await delay(1000);
    readings.push(server.rssBytes());
  }
  return median(readings);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mkdir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

function count(n: number): string {
  return n.toLocaleString('en');
}

function step(message: string): void {
  console.log(`· ${message}`);
}

setTimeout(() => {
  console.error(`The bench did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes; stopping it`);
  process.exit(1);
}, RUN_TIMEOUT_MS).unref();

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import type { LoadResult } from './load';

/** Everything one run measured; written as JSON beside the printed table. Times in ms. */
export interface BenchReport {
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string };
  settings: {
    database: string;
    bcryptCost: number;
    bcryptSlots: number;
    rounds: number;
    roundSeconds: number;
    floodClients: number;
    probeRate: number;
  };
  baseline: LoadResult;
  /**
   * The frameworks alone (bench/stack-floor-app.ts): GET /login and signed-in GET / with the
   * app's templates and none of its own work, against the baseline.
   */
  floor: {
    login: { result: LoadResult; ratio: number };
    home: { result: LoadResult; ratio: number };
  };
  /** The baseline with WORKERS=2, against one process. */
  baselineTwoWorkers: { result: LoadResult; ratio: number };
  anonymousLogin: { result: LoadResult; ratio: number };
  signedInHome: { result: LoadResult; ratio: number };
  /** GET /account and GET /account/sessions of an account with `sessions` sessions. */
  accountPages: {
    sessions: number;
    settings: { result: LoadResult; ratio: number };
    sessionsPage: { result: LoadResult; ratio: number };
  };
  /** Signed-in GET / with WORKERS=2, against one worker. */
  twoWorkers: { result: LoadResult; ratio: number };
  signIns: { perSecond: number; compareMs: number; ceiling: number; ratio: number };
  eventLoop: { atRestP99: number; underFloodP99: number; ratio: number };
  growth: {
    small: number;
    large: number;
    homeSmallP50: number;
    homeLargeP50: number;
    homeRatio: number;
    signInSmallMs: number;
    signInLargeMs: number;
    signInRatio: number;
  };
  /**
   * The answer time of a reset request (POST /forgot-password), p50 in ms, for addresses with an
   * account and without; the ratio is the median of the rounds' existing ÷ unknown.
   */
  resetRequests: { existingP50: number; unknownP50: number; ratio: number };
  /** Resident memory of the app, in bytes. */
  /** At rest; then after `sessionsServed` more signed-in sessions each served a page. */
  memory: { atStart: number; atRest: number; afterSessions: number; sessionsServed: number };
  /** Every round's results, for whoever wants more than the medians. */
  rounds: Record<string, unknown>;
  durationSeconds: number;
}

/** One line of the table: a figure, its ratio, and the target that ratio must meet. */
export interface TableRow {
  figure: string;
  measured: string;
  ratio: number;
  ratioOf: string;
  target?: { atLeast?: number; atMost?: number };
  holds?: boolean;
}

export function tableRows(report: BenchReport): TableRow[] {
  const { signIns, eventLoop, growth, memory } = report;
  const count = (n: number) => n.toLocaleString('en');
  const rows: Omit<TableRow, 'holds'>[] = [
    {
      figure: 'Baseline: bare NestJS "hello"',
      measured: loadText(report.baseline),
      ratio: 1,
      ratioOf: 'reference',
    },
    {
      figure: 'Floor: the frameworks alone, GET /login',
      measured: loadText(report.floor.login.result),
      ratio: report.floor.login.ratio,
      ratioOf: 'of baseline req/s',
    },
    {
      figure: 'Floor: the frameworks alone, signed-in GET /',
      measured: loadText(report.floor.home.result),
      ratio: report.floor.home.ratio,
      ratioOf: 'of baseline req/s',
    },
    {
      figure: 'Baseline, 2 workers',
      measured: loadText(report.baselineTwoWorkers.result),
      ratio: report.baselineTwoWorkers.ratio,
      ratioOf: '× one worker',
    },
    {
      figure: 'Anonymous GET /login',
      measured: loadText(report.anonymousLogin.result),
      ratio: report.anonymousLogin.ratio,
      ratioOf: 'of baseline req/s',
      target: { atLeast: 0.5 },
    },
    {
      figure: 'Signed-in GET /',
      measured: loadText(report.signedInHome.result),
      ratio: report.signedInHome.ratio,
      ratioOf: 'of baseline req/s',
      target: { atLeast: 0.4 },
    },
    {
      figure: `GET /account, ${report.accountPages.sessions} sessions`,
      measured: loadText(report.accountPages.settings.result),
      ratio: report.accountPages.settings.ratio,
      ratioOf: 'of baseline req/s',
      target: { atLeast: 0.3 },
    },
    {
      figure: `GET /account/sessions, ${report.accountPages.sessions} sessions`,
      measured: loadText(report.accountPages.sessionsPage.result),
      ratio: report.accountPages.sessionsPage.ratio,
      ratioOf: 'of baseline req/s',
      target: { atLeast: 0.3 },
    },
    {
      figure: 'Signed-in GET /, 2 workers',
      measured: loadText(report.twoWorkers.result),
      ratio: report.twoWorkers.ratio,
      ratioOf: '× one worker',
      target: { atLeast: 1.6 },
    },
    {
      figure: 'Sign-ins per second',
      measured:
        `${signIns.perSecond.toFixed(1)}/s; ceiling ${signIns.ceiling.toFixed(1)}/s ` +
        `(${report.machine.cores} cores, ${ms(signIns.compareMs)} per compare)`,
      ratio: signIns.ratio,
      ratioOf: 'of bcrypt ceiling',
      target: { atLeast: 0.9 },
    },
    {
      figure: 'GET /login p99 under a sign-in flood',
      measured: `${ms(eventLoop.underFloodP99)}; at rest ${ms(eventLoop.atRestP99)}`,
      ratio: eventLoop.ratio,
      ratioOf: '× p99 at rest',
      target: { atMost: 3 },
    },
    {
      figure: `Signed-in GET / p50, ${count(growth.large)} vs ${count(growth.small)} users`,
      measured: `${ms(growth.homeLargeP50)} vs ${ms(growth.homeSmallP50)}`,
      ratio: growth.homeRatio,
      ratioOf: '×',
      target: { atMost: 1.1 },
    },
    {
      figure: `Sign-in latency, ${count(growth.large)} vs ${count(growth.small)} users`,
      measured: `${ms(growth.signInLargeMs)} vs ${ms(growth.signInSmallMs)}`,
      ratio: growth.signInRatio,
      ratioOf: '×',
      target: { atMost: 1.1 },
    },
    {
      figure: 'Reset request answer time, existing vs unknown address',
      measured: `${ms(report.resetRequests.existingP50)} vs ${ms(report.resetRequests.unknownP50)}`,
      ratio: report.resetRequests.ratio,
      ratioOf: '×',
      // Either way, a difference would tell whether an address has an account.
      target: { atLeast: 0.9, atMost: 1.1 },
    },
    {
      figure: `Resident memory, ${count(memory.sessionsServed)} more sessions served`,
      measured:
        `${mib(memory.afterSessions)}; at rest ${mib(memory.atRest)} ` +
        `(${mib(memory.atStart)} just started)`,
      ratio: memory.afterSessions / memory.atRest,
      ratioOf: '× at rest',
      target: { atMost: 1.1 },
    },
  ];
  return rows.map((row) => ({ ...row, holds: row.target && meets(row.ratio, row.target) }));
}

/** The table as Markdown, ready for the README, with the machine and settings above it. */
export function formatReport(report: BenchReport): string {
  const { machine, settings } = report;
  const header = ['Figure', 'Measured', 'Ratio', 'Target', 'Holds'];
  const body = tableRows(report).map((row) => [
    row.figure,
    row.measured,
    `${row.ratio.toFixed(2)} ${row.ratioOf}`,
    targetText(row.target),
    row.holds === undefined ? '' : row.holds ? 'yes' : 'NO',
  ]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...body].map((cells) => cells[i].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node}, ${machine.platform}`,
    `App: ${settings.database}, bcrypt cost ${settings.bcryptCost} with ${settings.bcryptSlots} ` +
      `at once; ${settings.rounds} rounds of ${settings.roundSeconds} s per load figure (medians); ` +
      `run took ${Math.round(report.durationSeconds)} s`,
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
  ].join('\n');
}

function loadText(result: LoadResult): string {
  return `${Math.round(result.reqPerSec).toLocaleString('en')} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}`;
}

function meets(ratio: number, target: { atLeast?: number; atMost?: number }): boolean {
  return (
    (target.atLeast === undefined || ratio >= target.atLeast) &&
    (target.atMost === undefined || ratio <= target.atMost)
  );
}

function targetText(target: TableRow['target']): string {
  if (target?.atLeast !== undefined && target.atMost !== undefined) {
    return `${target.atLeast.toFixed(2)} to ${target.atMost.toFixed(2)}`;
  }
  if (target?.atLeast !== undefined) {
    return `≥ ${target.atLeast.toFixed(2)}`;
  }
  if (target?.atMost !== undefined) {
    return `≤ ${target.atMost.toFixed(2)}`;
  }
  return '';
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} ms`;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

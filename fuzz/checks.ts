import { Built, describeCase } from './case';
import { printable } from './request';
import type { Answer } from './send';
import type { Stored } from './storage';

/** One case as it went: what was sent, what came back, and when. */
export interface Sent {
  built: Built;
  answer: Answer;
  startedAt: number;
  endedAt: number;
}

/** One reason the run fails, with the cases that show it. */
export interface Failure {
  title: string;
  detail?: string;
  cases: Sent[];
}

/** Any 5xx, and any finished request that got no full answer in time. */
export function checkAnswers(sent: Sent[]): Failure[] {
  const failures: Failure[] = [];
  const serverErrors = sent.filter(({ answer }) => answer.statuses.some((status) => status >= 500));
  for (const group of byKind(serverErrors)) {
    const statuses = [...new Set(group.flatMap(({ answer }) => answer.statuses))].join(', ');
    failures.push({
      title: `${group.length} case(s) answered 5xx (${statuses}): ${kindOf(group[0])}`,
      cases: group,
    });
  }
  const hung = sent.filter(({ answer }) => answer.outcome === 'timeout');
  for (const group of byKind(hung)) {
    failures.push({
      title: `${group.length} finished request(s) got no full answer in time: ${kindOf(group[0])}`,
      cases: group,
    });
  }
  return failures;
}

interface LogLine {
  level?: string | number;
  time?: string;
  msg?: string;
  stack?: string;
  req?: { id?: string; method?: string; path?: string };
  res?: { statusCode?: number };
}

/**
 * The app's output: any line at level error or above (pino's `"level":"error"`, or 50 and up),
 * any request logged with a 5xx (also for a client that had gone), and any line that is not
 * JSON and looks like an error, a warning or a stack trace (what Node.js, Express or a library
 * prints on its own, such as Express's final handler or a MaxListenersExceededWarning).
 */
export function checkLogs(output: string, sent: Sent[]): Failure[] {
  const byRequestId = new Map<string, Sent>();
  for (const each of sent) {
    for (const id of each.answer.requestIds) {
      byRequestId.set(id, each);
    }
  }
  const lines: LogLine[] = [];
  const strayLines: string[] = [];
  for (const text of output.split('\n')) {
    const line = jsonObject(text);
    if (line) {
      lines.push(line);
    } else if (/error|exception|^\s+at\s|warning/i.test(text)) {
      strayLines.push(text);
    }
  }

  const failures: Failure[] = [];
  const errors = new Map<string, { count: number; line: LogLine; cases: Sent[] }>();
  lines.forEach((line, index) => {
    if (isErrorLevel(line.level)) {
      // One failure per message and first line of the stack, with the case that caused it.
      const key = `${line.msg} ${line.stack?.split('\n')[1] ?? ''}`;
      const culprit = requestLoggedAfter(lines, index, byRequestId);
      const entry = errors.get(key) ?? { count: 0, line, cases: [] };
      entry.count += 1;
      entry.cases.push(...(culprit ? [culprit] : inFlightAt(line.time, sent)));
      errors.set(key, entry);
    }
    if ((line.res?.statusCode ?? 0) >= 500) {
      const culprit = line.req?.id ? byRequestId.get(line.req.id) : undefined;
      // A 5xx the fuzzer also received is reported by checkAnswers already.
      if (!culprit?.answer.statuses.some((status) => status >= 500)) {
        failures.push({
          title: `The request log has ${line.req?.method} ${line.req?.path} answered ${line.res?.statusCode}`,
          detail: culprit ? undefined : 'The answer never arrived: the cases below were in flight.',
          cases: culprit ? [culprit] : inFlightAt(line.time, sent),
        });
      }
    }
  });
  for (const { count, line, cases } of errors.values()) {
    failures.push({
      title: `${count} log line(s) at level ${line.level}: ${line.msg}`,
      detail: `${line.stack ?? ''}`.slice(0, 1500),
      cases: [...new Set(cases)],
    });
  }
  if (strayLines.length > 0) {
    failures.push({
      title: `${strayLines.length} line(s) of output that are not JSON and look like an error`,
      detail: strayLines.slice(0, 20).join('\n').slice(0, 3000),
      cases: [],
    });
  }
  return failures;
}

function jsonObject(text: string): LogLine | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

const isErrorLevel = (level: unknown) =>
  level === 'error' || level === 'fatal' || (typeof level === 'number' && level >= 50);

/**
 * The case behind an error line such as `GET /login failed` (ErrorPageFilter's): the first
 * request logged after it with that method and path and a 5xx, found by its request id.
 */
function requestLoggedAfter(
  lines: LogLine[],
  index: number,
  byRequestId: Map<string, Sent>,
): Sent | undefined {
  const [method, path] = /^(\S+) (\S+) failed$/.exec(lines[index].msg ?? '')?.slice(1) ?? [];
  if (method === undefined) {
    return undefined;
  }
  const request = lines
    .slice(index + 1)
    .find(
      ({ req, res }) =>
        req?.method === method && req.path === path && (res?.statusCode ?? 0) >= 500,
    );
  return request?.req?.id ? byRequestId.get(request.req.id) : undefined;
}

/** The cases whose connection was open when a line was logged (`time`: its ISO date). */
function inFlightAt(time: string | undefined, sent: Sent[]): Sent[] {
  const at = time ? Date.parse(time) : NaN;
  if (Number.isNaN(at)) {
    return [];
  }
  return sent.filter(({ startedAt, endedAt }) => startedAt - 2 <= at && at <= endedAt + 2);
}

/** What the setup made: the accounts and sessions that may exist after the run. */
export interface SetupState {
  users: number;
  sessionIds: string[];
  /** The session signed in through the whole run. */
  keptSessionId: string;
}

/** What the stores hold after the run, against what the setup made. */
export function checkStorage(stored: Stored, setup: SetupState): Failure[] {
  const failures: Failure[] = [];
  if (stored.users !== setup.users) {
    failures.push({
      title: `The users table has ${stored.users} account(s); the setup made ${setup.users}`,
      detail: 'A request the fuzzer sent created an account: none of them should be able to.',
      cases: [],
    });
  }
  const known = new Set(setup.sessionIds);
  const unknown = stored.sessionIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    failures.push({
      title: `${unknown.length} stored session(s) that the setup did not make`,
      detail:
        'A request the fuzzer sent signed in, or saved a session for a visitor who did not sign in.',
      cases: [],
    });
  }
  if (!stored.sessionIds.includes(setup.keptSessionId)) {
    failures.push({
      title: 'The session kept signed in through the run is gone from the store',
      detail: 'A request without its valid token signed it out, or the store lost it.',
      cases: [],
    });
  }
  return failures;
}

/** Groups cases by generators and route, so that one bug is one failure. */
function byKind(sent: Sent[]): Sent[][] {
  const groups = new Map<string, Sent[]>();
  for (const each of sent) {
    const key = kindOf(each);
    groups.set(key, [...(groups.get(key) ?? []), each]);
  }
  return [...groups.values()];
}

const kindOf = ({ built }: Sent) =>
  `${built.generators.join(' + ')} on ${built.route.method} ${built.route.path}`;

/** A failure as text: its title, detail and the first few cases with their bytes. */
export function formatFailure(failure: Failure, seed: number, shown = 3): string {
  const lines = [`✗ ${failure.title}`];
  if (failure.detail) {
    lines.push(indent(failure.detail, '    '));
  }
  for (const { built, answer } of failure.cases.slice(0, shown)) {
    lines.push(
      `  case ${built.index} (replay: FUZZ_SEED=${seed} FUZZ_CASE=${built.index} npm run fuzz)`,
      `    ${describeCase(built)}`,
      `    answer: ${answer.statuses.join(', ') || 'no status'} (${answer.outcome})`,
      `    request bytes:`,
      indent(printable(built.bytes), '      | '),
    );
  }
  if (failure.cases.length > shown) {
    const more = failure.cases.slice(shown).map(({ built }) => built.index);
    const listed = more.slice(0, 30).join(', ') + (more.length > 30 ? ', ...' : '');
    lines.push(`  and ${more.length} more: cases ${listed}`);
  }
  return lines.join('\n');
}

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');

/** Counts of the keys `of` gives, most frequent first, as `key: count` lines. */
export function tally<T>(items: T[], of: (item: T) => string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    for (const key of of(item)) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ');
}

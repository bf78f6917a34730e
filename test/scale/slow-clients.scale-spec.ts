import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, startAppProcess } from '../helpers/app-process';

// Short limits, so that the test waits seconds; Node's own defaults are 60 s for the headers,
// 300 s for the request, checked every 30 s, and no cap on connections.
const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;
const KEEP_ALIVE_TIMEOUT_MS = 2000;
const MAX_CONNECTIONS = 300;
/** The server looks for requests past their time every second (src/web/server-limits.ts). */
const CHECK_INTERVAL_MS = 1000;
/** Node keeps an idle socket this much longer than the keep-alive time it announces. */
const KEEP_ALIVE_BUFFER_MS = 1000;
/** For a busy machine (two cores, shared): a socket may close this much later than due. */
const SLACK_MS = 1500;

const SLOW_HEADERS = 200;
const SLOW_BODIES = 50;
const IDLE = 20;
/** Past the cap, in the last test. */
const FLOOD = MAX_CONNECTIONS + 50;
/** A slow client sends one byte this often. */
const DRIP_MS = 500;

type Kind = 'headers' | 'body' | 'idle' | 'silent';

/** One client's socket, seen from the client: what it got and when the server closed it. */
interface SlowSocket {
  kind: Kind;
  openedAt: number;
  /** When the server last sent something (for `idle`: the end of its one answer). */
  lastDataAt?: number;
  closedAt?: number;
  /** Closed by the test, because the server had not closed it in time. */
  closedByTest?: boolean;
  answer: string;
  closed: Promise<void>;
  destroy(): void;
}

const REQUEST_HEAD: Record<Kind, string> = {
  // Never finishes its headers: one more byte of a header value every DRIP_MS.
  headers: 'GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
  // Complete headers, then a form body of which one byte comes every DRIP_MS.
  body:
    'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nemail=',
  // One whole request, then nothing: the connection stays open, kept alive.
  idle: 'GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  // Connects and sends nothing.
  silent: '',
};

/** Resolves once connected (for `idle`, once its answer has fully arrived). */
function openSocket(port: number, kind: Kind): Promise<SlowSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let drip: NodeJS.Timeout | undefined;
    let markClosed: () => void = () => undefined;
    const slow: SlowSocket = {
      kind,
      openedAt: Date.now(),
      answer: '',
      closed: new Promise<void>((done) => (markClosed = done)),
      destroy: () => {
        slow.closedByTest = true;
        socket.destroy();
      },
    };
    socket.on('data', (chunk: Buffer) => {
      slow.answer += chunk.toString('latin1');
      slow.lastDataAt = Date.now();
      if (kind === 'idle' && isWholeAnswer(slow.answer)) {
        resolve(slow);
      }
    });
    socket.on('error', (error) => {
      // A write after the server has closed (EPIPE, ECONNRESET) is expected; failing to connect
      // is not.
      if (!socket.remoteAddress) {
        reject(error);
      }
    });
    socket.on('close', () => {
      clearInterval(drip);
      slow.closedAt = Date.now();
      markClosed();
    });
    socket.on('connect', () => {
      slow.openedAt = Date.now();
      if (kind === 'headers' || kind === 'body') {
        socket.write(REQUEST_HEAD[kind]);
        drip = setInterval(() => socket.write('a'), DRIP_MS);
      } else if (kind === 'idle') {
        socket.write(REQUEST_HEAD.idle);
      }
      if (kind !== 'idle') {
        resolve(slow);
      }
    });
  });
}

/** A whole HTTP answer: its head, and a body as long as its Content-Length. */
function isWholeAnswer(answer: string): boolean {
  const headEnd = answer.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(answer.slice(0, headEnd))?.[1];
  return headEnd >= 0 && length !== undefined && answer.length - headEnd - 4 >= Number(length);
}

const statusOf = (socket: SlowSocket) => /^HTTP\/1\.1 (\d{3})/.exec(socket.answer)?.[1];
const isOpen = (socket: SlowSocket) => socket.closedAt === undefined;
/** Not closed by the server (yet, or before the test gave up on it). */
const notClosedByServer = (socket: SlowSocket) => isOpen(socket) || socket.closedByTest === true;
/** How long the server let it be: from connecting (or, idle, from its answer) to the close. */
const heldMs = (socket: SlowSocket) =>
  (socket.closedAt as number) -
  (socket.kind === 'idle' ? (socket.lastDataAt as number) : socket.openedAt);

/** Waits for every socket to close, for at most `ms`; then closes the rest itself. */
async function closedWithin(sockets: SlowSocket[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(sockets.map((socket) => socket.closed)),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
  for (const socket of sockets.filter(isOpen)) {
    socket.destroy();
  }
}

/** `GET /login` on a connection of its own: its status and how long the answer took. */
function timedGetLogin(port: number): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const req = get({ host: '127.0.0.1', port, path: '/login', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode as number, ms: Date.now() - start }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('No answer within 10 s')));
  });
}

function describeTimes(sockets: SlowSocket[]): string {
  const times = sockets.filter((socket) => !notClosedByServer(socket)).map(heldMs);
  const notClosed = sockets.length - times.length;
  return (
    (times.length === 0
      ? 'none closed by the server'
      : `closed by the server after ${Math.min(...times)} to ${Math.max(...times)} ms`) +
    (notClosed > 0 ? `, ${notClosed} not closed` : '')
  );
}

function report(line: string): void {
  process.stderr.write(`[slow-clients] ${line}\n`);
}

/** The file descriptors a process may open here (`ulimit -n`). */
function descriptorLimit(): number {
  const limit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return limit === 'unlimited' ? Infinity : Number(limit);
}

/**
 * One app process (a temporary SQLite file: these limits are the HTTP server's, whatever the
 * database) with short socket limits, and clients that hold sockets open by sending slowly,
 * sending nothing, or idling after one request.
 */
describe('Slow and many clients', () => {
  let dir: string;
  let app: AppProcess;
  let port: number;

  beforeAll(async () => {
    // Each socket costs a descriptor here and one in the app: stay well below the limit.
    expect(descriptorLimit()).toBeGreaterThanOrEqual(2 * FLOOD);
    dir = mkdtempSync(join(tmpdir(), 'nest-auth-slow-'));
    app = await startAppProcess({
      DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
      HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_MS / 1000),
      HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_MS / 1000),
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: String(KEEP_ALIVE_TIMEOUT_MS / 1000),
      HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    });
    port = Number(new URL(app.url).port);
    // The first rendering of a page compiles its templates: not what is measured here.
    expect((await timedGetLogin(port)).status).toBe(200);
  });

  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /login answers within a second while slow sockets are open; they are closed in time', async () => {
    const idle = await Promise.all(Array.from({ length: IDLE }, () => openSocket(port, 'idle')));
    const bodies = await Promise.all(
      Array.from({ length: SLOW_BODIES }, () => openSocket(port, 'body')),
    );
    const headers = await Promise.all(
      Array.from({ length: SLOW_HEADERS }, () => openSocket(port, 'headers')),
    );
    const all = [...idle, ...bodies, ...headers];

    // A few page views while they hold their sockets, each on a new connection.
    const views: { status: number; ms: number; open: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const open = all.filter(isOpen).length;
      views.push({ ...(await timedGetLogin(port)), open });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    report(
      `GET /login with slow sockets open: ${views.map((v) => `${v.ms} ms (${v.open} open)`).join(', ')}`,
    );

    // Then each kind must be closed by its own time (plus the checking interval and slack).
    const dueMs = {
      headers: HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS,
      body: REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS,
      idle: KEEP_ALIVE_TIMEOUT_MS + KEEP_ALIVE_BUFFER_MS,
    };
    await closedWithin(all, REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS + 2000);
    for (const [kind, sockets] of [
      ['headers', headers],
      ['body', bodies],
      ['idle', idle],
    ] as const) {
      report(`${sockets.length} ${kind}: ${describeTimes(sockets)} (due by ${dueMs[kind]} ms)`);
    }

    for (const view of views) {
      expect(view.status).toBe(200);
      expect(view.ms).toBeLessThan(1000);
      // Measured while the slow sockets were there, not after they had gone.
      expect(view.open).toBeGreaterThanOrEqual(SLOW_HEADERS);
    }
    const late = (sockets: SlowSocket[], timeoutMs: number, dueByMs: number) =>
      sockets
        .filter((socket) => notClosedByServer(socket) || heldMs(socket) > dueByMs + SLACK_MS)
        .map((socket) => (notClosedByServer(socket) ? 'not closed' : `${heldMs(socket)} ms`))
        .concat(
          // Closed by the timeout, not before it for another reason.
          sockets
            .filter((socket) => !notClosedByServer(socket) && heldMs(socket) < timeoutMs - 250)
            .map((socket) => `early: ${heldMs(socket)} ms`),
        );
    expect(late(headers, HEADERS_TIMEOUT_MS, dueMs.headers)).toEqual([]);
    expect(late(bodies, REQUEST_TIMEOUT_MS, dueMs.body)).toEqual([]);
    expect(late(idle, KEEP_ALIVE_TIMEOUT_MS, dueMs.idle)).toEqual([]);
    // The slow requests are told why: 408 Request Timeout.
    expect(new Set([...headers, ...bodies].map(statusOf))).toEqual(new Set(['408']));
    expect(new Set(idle.map(statusOf))).toEqual(new Set(['200']));
  }, 60_000);

  it('past HTTP_MAX_CONNECTIONS, connections are dropped and logged; then it serves again', async () => {
    const flood = await Promise.all(
      Array.from({ length: FLOOD }, () => openSocket(port, 'silent')),
    );
    // At the cap, one more connection is dropped too.
    const refused = await timedGetLogin(port).then(
      () => false,
      () => true,
    );
    // Dropped: closed at once by the server, without a word.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const dropped = flood.filter((socket) => !isOpen(socket) && socket.answer === '');
    let warning: string | undefined;
    for (let attempt = 0; attempt < 30 && !warning; attempt++) {
      warning = /[^"]*HTTP_MAX_CONNECTIONS[^"]*/.exec(app.output())?.[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The server closes the others itself when their headers are late.
    await closedWithin(flood, HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS + 2000);
    const held = flood.filter((socket) => !dropped.includes(socket));
    const after = await timedGetLogin(port);
    report(
      `${FLOOD} sockets for a cap of ${MAX_CONNECTIONS}: ${dropped.length} dropped; ` +
        `the ${held.length} held were ${describeTimes(held)}; logged: "${warning}"; ` +
        `GET /login at the cap: ${refused ? 'dropped' : 'answered'}; after: ${after.status} ` +
        `in ${after.ms} ms`,
    );

    expect(dropped.length).toBeGreaterThanOrEqual(FLOOD - MAX_CONNECTIONS - 5);
    expect(held.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(refused).toBe(true);
    expect(warning).toMatch(/connection\(s\) dropped: 300 were open \(HTTP_MAX_CONNECTIONS\)/);
    expect(
      held.filter(
        (socket) =>
          notClosedByServer(socket) ||
          heldMs(socket) > HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS,
      ),
    ).toEqual([]);
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(1000);
  }, 60_000);
});

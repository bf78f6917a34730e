import { Socket } from 'node:net';

/** What came back for the bytes of one case. */
export interface Answer {
  /** The status of each response, in order (interim 1xx answers left out). */
  statuses: number[];
  /** The X-Request-Id of each response that had one: the app's log lines carry it. */
  requestIds: string[];
  /**
   * How the exchange ended: `answered` (every response arrived), `closed` (the server closed the
   * connection, having answered or not), `cut` (an unfinished request the fuzzer gave up on, as
   * meant), `timeout` (a finished request that got no full answer in time: a failure).
   */
  outcome: 'answered' | 'closed' | 'cut' | 'timeout';
  /** The first bytes of what came back, as latin1 text (for a replayed case). */
  head: string;
}

export interface SendOptions {
  port: number;
  /** The bytes to write, as a latin1 string. */
  bytes: string;
  /** The method of each request in `bytes`, to know how many answers to wait for (and HEAD's). */
  methods: string[];
  /**
   * The request is deliberately unfinished (a body shorter than its Content-Length, no last
   * chunk...): the server may rightly wait for the rest, so the fuzzer closes the connection
   * after `cutAfterMs` instead of waiting for an answer.
   */
  incomplete: boolean;
  cutAfterMs: number;
  timeoutMs: number;
}

/**
 * Writes `bytes` as they are over a new connection to 127.0.0.1 and reads the answers: done when
 * every request has its response, the server closes the connection, or the time is up.
 */
export function send(options: SendOptions): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: Answer['outcome']) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      const parsed = parseResponses(data, options.methods);
      resolve({
        statuses: parsed.statuses,
        requestIds: parsed.requestIds,
        outcome,
        head: data.toString('latin1', 0, 4000),
      });
    };
    const timer = setTimeout(
      () => finish(options.incomplete ? 'cut' : 'timeout'),
      options.incomplete ? options.cutAfterMs : options.timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseResponses(Buffer.concat(chunks), options.methods).complete) {
        finish('answered');
      }
    });
    // A reset while writing or reading (the server answered early and closed, or refused the
    // request outright) ends the exchange like a close; `close` follows `error`.
    socket.on('error', () => undefined);
    socket.on('close', () => finish('closed'));
    // Written, not ended: a half-closed connection is an aborted request to Node's server.
    socket.connect(options.port, '127.0.0.1', () =>
      socket.write(Buffer.from(options.bytes, 'latin1')),
    );
  });
}

interface Parsed {
  statuses: number[];
  requestIds: string[];
  /** Every request has its full response. */
  complete: boolean;
}

/**
 * The responses in what the server sent so far: each one's status line and headers, and its body
 * by Content-Length or chunks (none for HEAD, 1xx, 204 and 304). A response without either ends
 * with the connection.
 */
export function parseResponses(data: Buffer, methods: string[]): Parsed {
  const statuses: number[] = [];
  const requestIds: string[] = [];
  let offset = 0;
  while (offset < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', offset);
    const head = data.toString('latin1', offset, headEnd === -1 ? data.length : headEnd);
    const status = /^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1];
    if (status === undefined) {
      break;
    }
    const code = Number(status);
    if (code >= 200) {
      statuses.push(code);
    }
    if (headEnd === -1) {
      return { statuses, requestIds, complete: false };
    }
    const requestId = /\r\nX-Request-Id: *([^\r]*)/i.exec(head)?.[1];
    if (requestId && code >= 200) {
      requestIds.push(requestId);
    }
    let next = headEnd + 4;
    const bodiless =
      code < 200 || code === 204 || code === 304 || methods[statuses.length - 1] === 'HEAD';
    if (!bodiless) {
      const length = /\r\nContent-Length: *(\d+)/i.exec(head)?.[1];
      if (length !== undefined) {
        next += Number(length);
      } else if (/\r\nTransfer-Encoding: *chunked/i.test(head)) {
        const end = endOfChunks(data, next);
        if (end === undefined) {
          return { statuses, requestIds, complete: false };
        }
        next = end;
      } else {
        // Delimited by the end of the connection.
        return { statuses, requestIds, complete: false };
      }
    }
    if (next > data.length) {
      return { statuses, requestIds, complete: false };
    }
    offset = next;
  }
  return { statuses, requestIds, complete: statuses.length >= methods.length };
}

/** Where a chunked body that starts at `offset` ends, or undefined when it has not all come. */
function endOfChunks(data: Buffer, offset: number): number | undefined {
  let at = offset;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) {
      return undefined;
    }
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) {
      return undefined;
    }
    if (size === 0) {
      const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
      return trailerEnd === -1 ? undefined : trailerEnd + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (at > data.length) {
      return undefined;
    }
  }
}

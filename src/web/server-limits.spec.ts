import { Server, createServer } from 'node:http';
import { AddressInfo, Socket, connect } from 'node:net';
import { limitServer } from './server-limits';

const LIMITS = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 1500,
  keepAliveTimeoutMs: 1000,
  maxConnections: 2,
};

/** Opens a socket that sends the start of a request and never finishes it. */
function slowClient(port: number, start: string): Socket {
  const socket = connect(port, '127.0.0.1', () => socket.write(start));
  socket.on('error', () => undefined);
  return socket;
}

/** Resolves when `socket` closes, with what the server sent on it. */
function closed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
  });
}

describe(limitServer.name, () => {
  let server: Server;
  let port: number;
  const warnings: string[] = [];
  let clock = 0;

  beforeEach(async () => {
    warnings.length = 0;
    // Answers once the whole body is in, as the form routes do.
    server = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
    limitServer(server, LIMITS, { warn: (message) => warnings.push(message) }, () => clock);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sets the timeouts and the connection cap on the server', () => {
    expect(server).toMatchObject({
      headersTimeout: 1000,
      requestTimeout: 1500,
      keepAliveTimeout: 1000,
      maxConnections: 2,
      connectionsCheckingInterval: 1000,
    });
  });

  it('answers 408 and closes a socket whose headers never finish', async () => {
    const socket = slowClient(port, 'GET / HTTP/1.1\r\nHost: x\r\n');

    await expect(closed(socket)).resolves.toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and closes a socket whose body never finishes', async () => {
    const socket = slowClient(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nemail=',
    );

    await expect(closed(socket)).resolves.toMatch(/^HTTP\/1\.1 408 /);
  });

  it('drops connections past the cap and logs it once for a burst', async () => {
    const held = [1, 2].map(() => slowClient(port, 'GET / HTTP/1.1\r\n'));
    // Both held sockets must be counted before the next ones arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const dropped = [1, 2, 3].map(() => slowClient(port, 'GET / HTTP/1.1\r\n'));

    const answers = await Promise.all(dropped.map(closed));

    expect(answers).toEqual(['', '', '']);
    expect(warnings).toEqual([
      '1 connection(s) dropped: 2 were open (HTTP_MAX_CONNECTIONS); slow or idle clients may be holding them',
    ]);
    clock += 10_000;
    await closed(slowClient(port, 'GET / HTTP/1.1\r\n'));
    expect(warnings[1]).toMatch(/^3 connection\(s\) dropped/);
    held.forEach((socket) => socket.destroy());
  });
});

import { Socket } from 'node:net';

/**
 * Sends `request` as is over a new TCP connection to `port` on 127.0.0.1 (for what a client
 * library would refuse to send, such as a request target of `*`) and resolves to the status of
 * the answer, or undefined when the server closed the connection without one.
 */
export function rawRequest(port: number, request: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('No answer within 10 s')));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
      resolve(status === undefined ? undefined : Number(status));
    });
    // Written, not ended: a half-closed connection is an aborted request to Node's server.
    socket.connect(port, '127.0.0.1', () => socket.write(request));
  });
}

import { connect, createServer } from 'node:net';

/** The loopback host every test server binds; nothing in the tests listens beyond it. */
export const LOOPBACK = '127.0.0.1';

/**
 * A port that was free on 127.0.0.1 a moment ago: listen on port 0, read the port the
 * system chose, close. Another process may take it before the caller binds it (rare).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected listen address: ${String(address)}`));
        return;
      }
      server.close(error => (error ? reject(error) : resolve(address.port)));
    });
  });
}

/**
 * Whether something accepts TCP connections on 127.0.0.1:`port`: false on refusal,
 * true on connect; any other failure (or no answer within `timeoutMs`) rejects.
 */
export function isAcceptingConnections(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no answer from ${LOOPBACK}:${port} within ${timeoutMs} ms`));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED') resolve(false);
      else reject(error);
    });
  });
}

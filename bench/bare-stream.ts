// The baseline: a client stream of the same bytes into a no-op grpc-js server, in another
// process, for a fixed time. Prints events/s as JSON on stdout.
import { fork } from 'node:child_process';
import { Client, credentials, Server, ServerCredentials } from '@grpc/grpc-js';

const identity = (value: Buffer) => value;
const [mode, arg1, arg2, arg3] = process.argv.slice(2);

if (mode === 'server') {
  const server = new Server();
  server.register(
    '/bench.Bare/Push',
    (
      call: { on(event: string, listener: (chunk?: Buffer) => void): void },
      callback: (error: null, value: Buffer) => void,
    ) => {
      call.on('data', () => {});
      call.on('end', () => callback(null, Buffer.alloc(0)));
    },
    identity,
    identity,
    'clientStream',
  );
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.send?.({ port });
  });
} else if (mode === 'client') {
  const [address, batchBytes, durationMs] = [arg1 ?? '', Number(arg2), Number(arg3)];
  const payload = Buffer.alloc(batchBytes, 7);
  const client = new Client(address, credentials.createInsecure());
  const stream = client.makeClientStreamRequest('/bench.Bare/Push', identity, identity, () => {});
  let sent = 0;
  const end = performance.now() + durationMs;
  const pump = () => {
    while (performance.now() < end) {
      sent += 1;
      if (!stream.write(payload)) {
        stream.once('drain', pump);
        return;
      }
    }
    stream.end();
    process.send?.({ batches: sent }, () => process.exit(0));
  };
  pump();
}

/** Runs server and client as two processes and resolves batches per second. */
export async function bareStreamBatchesPerSecond(
  batchBytes: number,
  durationMs: number,
): Promise<number> {
  const self = new URL(import.meta.url).pathname;
  const execArgv = ['--conditions=@taba/source', '--import', 'tsx'];
  const server = fork(self, ['server'], { execArgv, stdio: 'ignore' });
  const port = await new Promise<number>(resolve =>
    server.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const client = fork(
    self,
    ['client', `127.0.0.1:${port}`, String(batchBytes), String(durationMs)],
    {
      execArgv,
      stdio: 'ignore',
    },
  );
  const { batches } = await new Promise<{ batches: number }>(resolve =>
    client.once('message', (m: { batches: number }) => resolve(m)),
  );
  server.kill('SIGKILL');
  return batches / (durationMs / 1000);
}

// The baseline: a client stream of the same bytes into a no-op grpc-js server, in other
// processes, for a fixed time. With a relay, the same stream goes through one more grpc-js
// process that forwards every message unchanged (what any gateway hop costs at the least).
import { fork } from 'node:child_process';
import type { ClientWritableStream } from '@grpc/grpc-js';
import { Client, credentials, Server, ServerCredentials } from '@grpc/grpc-js';

const identity = (value: Buffer) => value;
const PUSH = '/bench.Bare/Push';
/** Streams the relay forwards over, taken in turn (each HTTP/2 stream has its own window). */
const RELAY_STREAMS = 8;
const [mode, arg1, arg2, arg3] = process.argv.slice(2);

function serve(onMessage: (message: Buffer) => void): void {
  const server = new Server();
  server.register(
    PUSH,
    (
      call: { on(event: string, listener: (chunk: Buffer) => void): void },
      callback: (error: null, value: Buffer) => void,
    ) => {
      call.on('data', onMessage);
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
}

function openStream(client: Client): ClientWritableStream<Buffer> {
  return client.makeClientStreamRequest(PUSH, identity, identity, () => {});
}

if (mode === 'server') {
  serve(() => {});
} else if (mode === 'relay') {
  const client = new Client(arg1 ?? '', credentials.createInsecure());
  const streams = Array.from({ length: RELAY_STREAMS }, () => openStream(client));
  let next = 0;
  serve(message => {
    (streams[next % RELAY_STREAMS] as ClientWritableStream<Buffer>).write(message);
    next += 1;
  });
} else if (mode === 'client') {
  const [address, batchBytes, durationMs] = [arg1 ?? '', Number(arg2), Number(arg3)];
  const payload = Buffer.alloc(batchBytes, 7);
  const stream = openStream(new Client(address, credentials.createInsecure()));
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

const self = new URL(import.meta.url).pathname;
const execArgv = ['--conditions=@taba/source', '--import', 'tsx'];

function startForked(args: string[]): Promise<{ port: number; kill: () => void }> {
  const child = fork(self, args, { execArgv, stdio: 'ignore' });
  return new Promise(resolve =>
    child.once('message', (m: { port: number }) =>
      resolve({ port: m.port, kill: () => child.kill('SIGKILL') }),
    ),
  );
}

/**
 * Runs server and client (and, with `relay`, a forwarding process between them) as separate
 * processes and resolves the batches per second the client got through.
 */
export async function bareStreamBatchesPerSecond(
  batchBytes: number,
  durationMs: number,
  options: { relay?: boolean } = {},
): Promise<number> {
  const server = await startForked(['server']);
  const relay = options.relay
    ? await startForked(['relay', `127.0.0.1:${server.port}`])
    : undefined;
  const target = relay?.port ?? server.port;
  const client = fork(
    self,
    ['client', `127.0.0.1:${target}`, String(batchBytes), String(durationMs)],
    { execArgv, stdio: 'ignore' },
  );
  const { batches } = await new Promise<{ batches: number }>(resolve =>
    client.once('message', (m: { batches: number }) => resolve(m)),
  );
  relay?.kill();
  server.kill();
  return batches / (durationMs / 1000);
}

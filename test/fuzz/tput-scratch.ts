import { startStack } from '../support/stack.js';
import { rawClient, rawUnary } from './grpc-calls.js';
const stack = await startStack({ redisShards: 2 });
const client = rawClient(stack.grpcAddress);
let n = 0;
const stop = performance.now() + 5000;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (performance.now() < stop) {
      await rawUnary(
        client,
        '/taba.v1.Taba/PostEvents',
        Buffer.from([0xff, 0xff, n++ & 0xff]),
        5000,
      );
    }
  }),
);
console.log((n / 5).toFixed(0), '/s');
client.close();
await stack.stop();
process.exit(0);

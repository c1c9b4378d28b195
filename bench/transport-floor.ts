// How much of the bare grpc-js stream is left after one forwarding hop, on this machine: the
// most any design with a gateway in front of the work can reach, before doing any work.
// Same bytes as the end-to-end benchmark's batches. The last line is one JSON object.
import { loadTabaProtos } from '@taba/common';
import { bareStreamBatchesPerSecond } from './bare-stream.js';
import { benchTabs, DEFAULT_BENCH_SHAPE } from './bench-batches.js';

const BATCH_BYTES = loadTabaProtos().taba.v1.Taba.service.PostEvents.requestSerialize({
  clientId: 'bench-client-0',
  seq: Date.now() * 1000,
  ...benchTabs(0),
}).length;
const DURATION_MS = 5000;
const events = DEFAULT_BENCH_SHAPE.eventsPerBatch;

const bare = (await bareStreamBatchesPerSecond(BATCH_BYTES, DURATION_MS)) * events;
const relayed =
  (await bareStreamBatchesPerSecond(BATCH_BYTES, DURATION_MS, { relay: true })) * events;
console.log(`batches of ${BATCH_BYTES} bytes; bare stream: ${Math.round(bare)} events/s`);
console.log(`through one forwarding process: ${Math.round(relayed)} events/s`);
console.log(`ratio: ${(relayed / bare).toFixed(3)}`);
console.log(
  JSON.stringify({
    bareEventsPerSec: Math.round(bare),
    relayedEventsPerSec: Math.round(relayed),
    ratio: Number((relayed / bare).toFixed(3)),
  }),
);

// Measures what a columnar EventBatch costs on the wire: bytes, and encode/decode time of a
// batch of 1,000 events (10 Tabs × 100 events) through the same serializers grpc-js uses.
// Then the fold cost per type. Prints a table and, last, one JSON line.
import type { EventBatch, TabTypeName } from '@taba/common';
import {
  columnsOf,
  createHandlerRegistry,
  decodeEventBatch,
  loadTabaProtos,
  ManualClock,
  TAB_TYPES,
} from '@taba/common';

const NOW = 1_763_805_600;
const definition = loadTabaProtos().taba.v1.Taba.service.PostEvents;

const batch: EventBatch = {
  clientId: 'bidder-17',
  seq: 12,
  sentAt: NOW,
  tabs: Array.from({ length: 10 }, (_, t) => ({
    name: `bid.price.${t}`,
    type: 'COUNTER_GROUP',
    timestamps: Array.from({ length: 100 }, (_, i) => NOW - 1 + i / 100),
    values: Array.from({ length: 100 }, (_, i) => ((i * 37) % 1000) / 8),
  })),
};

function timePerCall(label: string, iterations: number, body: () => unknown): number {
  for (let i = 0; i < Math.min(1000, iterations); i += 1) body();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) body();
  const micros = Number(process.hrtime.bigint() - started) / 1000 / iterations;
  console.log(`${label.padEnd(44)} ${micros.toFixed(1).padStart(8)} µs`);
  return micros;
}

const bytes = definition.requestSerialize(batch);
const noTimestamps = definition.requestSerialize({
  ...batch,
  tabs: batch.tabs?.map(tab => ({ ...tab, timestamps: [] })),
});
console.log(
  `batch of 1,000 events: ${bytes.length} bytes (${noTimestamps.length} without per-event timestamps)`,
);
const encodeMicros = timePerCall('encode 1,000 events', 5000, () =>
  definition.requestSerialize(batch),
);
const decodeMicros = timePerCall('decode 1,000 events (proto-loader)', 5000, () =>
  definition.requestDeserialize(bytes),
);
const fastDecodeMicros = timePerCall('decode 1,000 events (columnar reader)', 20000, () =>
  decodeEventBatch(bytes),
);

const registry = createHandlerRegistry({ clock: new ManualClock(NOW) });
const foldMicros: Partial<Record<TabTypeName, number>> = {};
for (const type of TAB_TYPES) {
  const handler = registry[type];
  const numeric = handler.values === 'number';
  const columns = columnsOf(
    Array.from({ length: 1000 }, (_, i) => ({
      timestamp: NOW - 1 + i / 1000,
      value: numeric ? (i * 37) % 1000 : `v${i % 50}`,
      ...(handler.needsExpiry ? { expiry: NOW + 3600 } : {}),
    })),
  );
  const params = type === 'HISTOGRAM' ? { bounds: [1, 10, 100, 1000] } : {};
  foldMicros[type] = timePerCall(`fold 1,000 events into a ${type} Delta`, 300, () =>
    handler.fold(handler.create(params), columns, { clientId: 'c' }),
  );
}
console.log(
  JSON.stringify({
    batchBytes: bytes.length,
    encodeMicros,
    decodeMicros,
    fastDecodeMicros,
    foldMicros,
  }),
);

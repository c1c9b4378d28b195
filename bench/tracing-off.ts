// What tracing costs when it is off (no OTEL_* exporter: no SDK loaded, the OpenTelemetry
// API's no-op tracer): the cost of one span through inSpan beyond the same async call without
// it, and that cost for the spans of one batch on the write path against ingest's own work on
// a benchmark batch (20,000 events over 10 Tabs, as bench:ingest). 9 rounds each after a
// warm-up; prints every round's figure; the last line is one JSON object.
import { inSpan, loadTabaProtos } from '@taba/common';
import { benchTabs } from './bench-batches.js';
import { foldBenchBatch } from './bench-fold.js';

/**
 * Spans one batch starts on the write path with one aggregator and two shards: the gateway's
 * receipt, ingest.batch, ingest.decode, ingest.fold, the Commit's client and server spans, and
 * at most one group commit per shard (shared by every batch in the call).
 */
const SPANS_PER_BATCH = 8;
const CALLS = 100_000;
const ROUNDS = 9;

async function nsPerCall(call: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i += 1) await call();
  return Number(process.hrtime.bigint() - started) / CALLS;
}

const attributes = { 'taba.parts': 3 };
const plain = () => (async () => 1)();
const spanned = () => inSpan('bench.span', { attributes }, () => 1);

const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;
const batches = Array.from({ length: 100 }, (_, client) =>
  codec.requestSerialize({ clientId: `bench-client-${client}`, seq: 7, ...benchTabs(client) }),
);
function microsPerBatch(): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < 500; i += 1) foldBenchBatch(batches[i % batches.length] as Buffer, '7');
  return Number(process.hrtime.bigint() - started) / 1000 / 500;
}

await nsPerCall(plain);
await nsPerCall(spanned);
microsPerBatch();
const spanNs: number[] = [];
const batchMicros: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const base = await nsPerCall(plain);
  spanNs.push((await nsPerCall(spanned)) - base);
  batchMicros.push(microsPerBatch());
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const perSpan = median(spanNs);
const perBatch = median(batchMicros);
const share = (SPANS_PER_BATCH * perSpan) / 1000 / perBatch;
console.log(
  `a span with tracing off, beyond the call itself: ${spanNs.map(ns => ns.toFixed(0)).join(' · ')} ns`,
);
console.log(
  `ingest's work on a batch of 20,000 events: ${batchMicros.map(us => us.toFixed(0)).join(' · ')} µs`,
);
console.log(
  `${SPANS_PER_BATCH} spans per batch: ${((SPANS_PER_BATCH * perSpan) / 1000).toFixed(2)} µs, ${(share * 100).toFixed(3)}% of ingest's work on it`,
);
console.log(
  JSON.stringify({
    spanNs: {
      median: Math.round(perSpan),
      min: Math.round(Math.min(...spanNs)),
      max: Math.round(Math.max(...spanNs)),
    },
    batchMicros: Math.round(perBatch),
    spansPerBatch: SPANS_PER_BATCH,
    shareOfIngestWork: Number(share.toFixed(5)),
  }),
);

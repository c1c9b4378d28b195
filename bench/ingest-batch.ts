// What ingest's CPU does per batch, without gRPC: decode the columnar bytes, validate, fold
// into Deltas and encode their ops, for the end-to-end benchmark's batches (20,000 events,
// 10 Tabs). Prints µs per batch and ns per event; the last line is one JSON object.
import { loadTabaProtos } from '@taba/common';
import { benchTabs, DEFAULT_BENCH_SHAPE } from './bench-batches.js';
import { foldBenchBatch } from './bench-fold.js';

const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;
const batches = Array.from({ length: 100 }, (_, client) =>
  codec.requestSerialize({ clientId: `bench-client-${client}`, seq: 7, ...benchTabs(client) }),
);

const ingestOnce = (bytes: Buffer) => foldBenchBatch(bytes, '7');

const ROUNDS = 2000;
for (let i = 0; i < 300; i += 1) ingestOnce(batches[i % batches.length] as Buffer);
const started = process.hrtime.bigint();
for (let i = 0; i < ROUNDS; i += 1) ingestOnce(batches[i % batches.length] as Buffer);
const microsPerBatch = Number(process.hrtime.bigint() - started) / 1000 / ROUNDS;
const nsPerEvent = (microsPerBatch * 1000) / DEFAULT_BENCH_SHAPE.eventsPerBatch;
console.log(
  `decode + validate + fold + ops, ${DEFAULT_BENCH_SHAPE.eventsPerBatch} events over 10 Tabs: ${microsPerBatch.toFixed(0)} µs per batch, ${nsPerEvent.toFixed(1)} ns per event`,
);
console.log(JSON.stringify({ microsPerBatch: Math.round(microsPerBatch), nsPerEvent }));

// What ingest's CPU does per batch, without gRPC: decode the columnar bytes, validate, fold
// into Deltas and encode their ops, for the end-to-end benchmark's batches (20,000 events,
// 10 Tabs). Prints µs per batch and ns per event; the last line is one JSON object.
import {
  createHandlerRegistry,
  DEFAULT_EVENT_LIMITS,
  decodeEventBatch,
  loadTabaProtos,
  systemClock,
} from '@taba/common';
import { foldBatch } from '../services/ingest/src/batch-folding.js';
import { benchTabs, DEFAULT_BENCH_SHAPE } from './bench-batches.js';

const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;
const registry = createHandlerRegistry({ clock: systemClock });
const batches = Array.from({ length: 100 }, (_, client) =>
  codec.requestSerialize({ clientId: `bench-client-${client}`, seq: 7, ...benchTabs(client) }),
);

const ingestOnce = (bytes: Buffer) =>
  foldBatch(decodeEventBatch(bytes), {
    registry,
    limits: DEFAULT_EVENT_LIMITS,
    partitionCount: 1024,
    now: Date.now() / 1000,
    storedSpec: () => undefined,
    bufferCapacity: 1000,
    uniqPrefix: '7',
  });

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

// Ingest's fold of one benchmark batch, as the ingest service runs it: for the benchmarks that
// measure a step without gRPC.

import {
  createHandlerRegistry,
  DEFAULT_EVENT_LIMITS,
  decodeEventBatch,
  systemClock,
} from '@taba/common';
import type { FoldedBatch } from '../services/ingest/src/batch-folding.js';
import { foldBatch } from '../services/ingest/src/batch-folding.js';

const registry = createHandlerRegistry({ clock: systemClock });

/** Decodes, validates and folds a batch's bytes into per-partition Deltas (1,024 partitions). */
export function foldBenchBatch(bytes: Uint8Array, uniqPrefix = '1'): FoldedBatch {
  return foldBatch(decodeEventBatch(bytes), {
    registry,
    limits: DEFAULT_EVENT_LIMITS,
    partitionCount: 1024,
    now: Date.now() / 1000,
    storedSpec: () => undefined,
    bufferCapacity: 1000,
    uniqPrefix,
  });
}

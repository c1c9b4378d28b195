import type { CountTotal } from '../handlers/buckets.js';
import type { BufferState } from '../handlers/buffer.js';
import type { CounterGroupState } from '../handlers/counter-group.js';
import type { GaugeState } from '../handlers/gauge.js';
import type { AnyTabHandler, TabParams } from '../handlers/handler.js';
import type { HistogramState } from '../handlers/histogram.js';
import { HyperLogLog } from '../handlers/hyperloglog.js';
import type { PercentileGroupState } from '../handlers/percentile-group.js';
import type { TabTypeName } from '../handlers/tab-types.js';
import type { UniqueState } from '../handlers/unique.js';
import { SKETCH_WINDOWS } from '../handlers/windows.js';
import { bufferEntries, gaugeOps, restoreBuffer, restoreGauge } from './entry-codec.js';
import type { StoredState } from './stored-state.js';
import type { TabOps } from './tab-ops.js';
import {
  counterGroupOps,
  histogramOps,
  percentileGroupOps,
  restoreCounterGroup,
  restoreHistogram,
  restorePercentileGroup,
} from './windowed-codec.js';

/** A Unique bucket key outlives its window by this much, so a late read never races expiry. */
export const REGISTER_GRACE_MS = 60_000;

export interface OpsContext {
  readonly client: string;
  /** Keeps Buffer entries of different batches apart: `<seq>` (or a nonce for seq 0). */
  readonly uniqPrefix: string;
  /** Buffer capacity. */
  readonly bufferCapacity: number;
}

function uniqueRegisters(state: UniqueState): NonNullable<TabOps['registers']> {
  const groups: NonNullable<TabOps['registers']> = [];
  state.windows.forEach((buckets, w) => {
    const spec = SKETCH_WINDOWS[w];
    if (!spec) return;
    for (const [index, sketch] of buckets) {
      const pairs: number[] = [];
      sketch.forEachRegister((register, rank) => pairs.push(register, rank));
      const expireAtMs = (index + spec.bucketCount) * spec.bucketSeconds * 1000 + REGISTER_GRACE_MS;
      groups.push({ bucket: `${w}:${index}`, expireAtMs, pairs });
    }
  });
  const lifetime: number[] = [];
  state.lifetime.forEachRegister((register, rank) => lifetime.push(register, rank));
  if (lifetime.length > 0) groups.push({ bucket: 'L', expireAtMs: 0, pairs: lifetime });
  return groups;
}

/** The Redis operations that add a Delta (a folded State) to a stored State. */
export function stateToOps(type: TabTypeName, state: unknown, context: OpsContext): TabOps {
  switch (type) {
    case 'COUNTER_GROUP':
      return { hash: counterGroupOps(state as CounterGroupState) };
    case 'PERCENTILE_GROUP':
      return { hash: percentileGroupOps(state as PercentileGroupState) };
    case 'TOTALS_COUNTER': {
      const totals = state as CountTotal;
      return {
        hash:
          totals.count > 0
            ? ['i', 'lc', String(totals.count), 'f', 'lt', String(totals.total)]
            : [],
      };
    }
    case 'HISTOGRAM':
      return { hash: histogramOps(state as HistogramState) };
    case 'GAUGE':
    case 'EXPIRY_GAUGE':
      return { hash: gaugeOps(state as GaugeState) };
    case 'BUFFER':
      return {
        hash: [],
        buffer: {
          cap: context.bufferCapacity,
          entries: bufferEntries(state as BufferState, context.client, context.uniqPrefix),
        },
      };
    case 'UNIQUE':
      return { hash: [], registers: uniqueRegisters(state as UniqueState) };
  }
}

function restoreRegisters(stored: StoredState, state: UniqueState): UniqueState {
  for (const [bucket, registers] of stored.registers) {
    let sketch: HyperLogLog | undefined;
    if (bucket === 'L') {
      sketch = state.lifetime;
    } else {
      const [w, index] = bucket.split(':').map(Number);
      const buckets = state.windows[w ?? -1];
      if (!buckets || index === undefined || !Number.isInteger(index)) continue;
      sketch = buckets.get(index) ?? new HyperLogLog();
      buckets.set(index, sketch);
    }
    if (registers instanceof Uint8Array) {
      registers.forEach((rank, register) => {
        if (rank > 0) sketch.raise(register, rank);
      });
    } else {
      for (const [register, rank] of Object.entries(registers))
        sketch.raise(Number(register), Number(rank));
    }
  }
  return state;
}

/** Rebuilds a handler State from what Redis holds. */
export function stateFromStored(
  handler: AnyTabHandler,
  params: TabParams,
  stored: StoredState,
): unknown {
  const state: unknown = handler.create(params);
  switch (handler.type) {
    case 'COUNTER_GROUP':
      return restoreCounterGroup(stored.hash, state as CounterGroupState);
    case 'PERCENTILE_GROUP':
      return restorePercentileGroup(stored.hash, state as PercentileGroupState);
    case 'TOTALS_COUNTER': {
      const totals = state as CountTotal;
      totals.count = Number(stored.hash.lc ?? 0);
      totals.total = Number(stored.hash.lt ?? 0);
      return totals;
    }
    case 'HISTOGRAM':
      return restoreHistogram(stored.hash, state as HistogramState);
    case 'GAUGE':
    case 'EXPIRY_GAUGE':
      return restoreGauge(stored.hash, state as GaugeState);
    case 'BUFFER': {
      const buffer = restoreBuffer(stored.buffer, state as BufferState);
      handler.merge(buffer, handler.create(params));
      return buffer;
    }
    case 'UNIQUE':
      return restoreRegisters(stored, state as UniqueState);
  }
  return state;
}

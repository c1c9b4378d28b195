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
import type { HashOpsSink, TabOps } from './tab-ops.js';
import { encodeTabOps, HashOpsEncoder, HashOpsText } from './tab-ops.js';
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

/**
 * Writes the hash ops of a State whose Delta is hash ops only (every type but Buffer and
 * Unique) into `sink`; false for the other two.
 */
function writeHashOps(type: TabTypeName, state: unknown, sink: HashOpsSink): boolean {
  switch (type) {
    case 'COUNTER_GROUP':
      counterGroupOps(state as CounterGroupState, sink);
      return true;
    case 'PERCENTILE_GROUP':
      percentileGroupOps(state as PercentileGroupState, sink);
      return true;
    case 'TOTALS_COUNTER': {
      const totals = state as CountTotal;
      if (totals.count > 0) {
        sink.number('i', 'lc', totals.count);
        sink.number('f', 'lt', totals.total);
      }
      return true;
    }
    case 'HISTOGRAM':
      histogramOps(state as HistogramState, sink);
      return true;
    case 'GAUGE':
    case 'EXPIRY_GAUGE':
      gaugeOps(state as GaugeState, sink);
      return true;
    case 'BUFFER':
    case 'UNIQUE':
      return false;
  }
}

/** The Redis operations that add a Delta (a folded State) to a stored State. */
export function stateToOps(type: TabTypeName, state: unknown, context: OpsContext): TabOps {
  const text = new HashOpsText();
  if (writeHashOps(type, state, text)) return { hash: text.hash };
  if (type === 'BUFFER') {
    return {
      hash: [],
      buffer: {
        cap: context.bufferCapacity,
        entries: bufferEntries(state as BufferState, context.client, context.uniqPrefix),
      },
    };
  }
  return { hash: [], registers: uniqueRegisters(state as UniqueState) };
}

/**
 * stateToOps in the binary form: the same bytes as encodeTabOps(stateToOps(…)), the hash ops
 * written from their numbers (no text round trip).
 */
export function encodeStateOps(type: TabTypeName, state: unknown, context: OpsContext): Buffer {
  const encoder = new HashOpsEncoder();
  if (writeHashOps(type, state, encoder)) return encoder.encoded();
  return encodeTabOps(stateToOps(type, state, context));
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

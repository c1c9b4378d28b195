// Batches of one Tab set as the TypeScript client sends them: every event its own timestamp
// within the last second, log-normal values, encoded by @taba/client's encoder. A few variants
// are encoded once and taken in turn; each send copies one, writes a fresh header (client ID,
// seq, sentAt) and fresh timestamps (now − each event's age) over the old ones, so no batch
// goes out byte-identical and a send costs a copy, not an encode (load processes share the
// 2 cores with the stack).
import type { EncodableColumn } from '@taba/client';
import { encodeEventBatch } from '@taba/client';
import { countableEvents, scanColumns } from './batch-bytes.js';
import { benchTabType } from './bench-batches.js';
import { benchString, logNormalArray, seededRandom } from './random.js';

/** Variants per Tab set, taken in turn. */
export const VARIANTS = 4;

/**
 * A lane's send buffer, reused batch after batch: fresh large buffers cost page faults. Safe
 * because a lane writes its next batch only after the previous one was answered (the server
 * had all its bytes) or its stream failed.
 */
export class SendBuffer {
  private buffer = Buffer.alloc(0);

  take(size: number): Buffer {
    if (this.buffer.length < size) this.buffer = Buffer.alloc(Math.ceil(size * 1.1));
    return this.buffer.subarray(0, size);
  }
}

/** Where one column's packed timestamps lie in an encoded body, and which events they are. */
interface TimestampRun {
  readonly byteOffset: number;
  readonly first: number;
  readonly count: number;
}

interface Variant {
  /** The tabs fields alone (no header): protobuf fields concatenate, a header goes in front. */
  readonly body: Buffer;
  /** How long before "now" each event happened, s in [0, 1). */
  readonly ages: Float64Array;
  readonly runs: readonly TimestampRun[];
}

function timestampRuns(body: Buffer): TimestampRun[] {
  let first = 0;
  return scanColumns(body).map(column => {
    const run = { byteOffset: column.timestampsAt, first, count: column.count };
    first += column.count;
    return run;
  });
}

export class BatchGenerator {
  private readonly variants: Variant[] = [];
  private next = 0;
  /** Events of a batch counted exactly on read-back (CounterGroup and PercentileGroup). */
  readonly countable: number = 0;

  constructor(tabs: readonly number[], eventsPerTab: number, seed: number) {
    const random = seededRandom(seed);
    const events = tabs.length * eventsPerTab;
    for (let v = 0; v < VARIANTS; v += 1) {
      const ages = Float64Array.from({ length: events }, () => random());
      const values = logNormalArray(random, events);
      const columns = tabs.map((tab, t): EncodableColumn => {
        const type = benchTabType(tab);
        const numeric = type === 'COUNTER_GROUP' || type === 'PERCENTILE_GROUP';
        const span = [t * eventsPerTab, (t + 1) * eventsPerTab] as const;
        return {
          name: `bench.tab.${tab}`,
          type,
          length: eventsPerTab,
          timestamps: ages.subarray(...span), // overwritten on every send
          values: numeric ? values.subarray(...span) : undefined,
          strings: numeric
            ? undefined
            : Array.from({ length: eventsPerTab }, () =>
                benchString(type === 'GAUGE' ? 'GAUGE' : 'UNIQUE', random),
              ),
          expiries: undefined,
          bounds: undefined,
        };
      });
      const body = encodeEventBatch({ clientId: '', seq: 0, sentAt: 0 }, columns);
      this.variants.push({ body, ages, runs: timestampRuns(body) });
      this.countable = countableEvents(scanColumns(body));
    }
  }

  /** The next variant as client `clientId`'s batch `seq`, stamped now, in `into`. */
  batch(clientId: string, seq: number, into: SendBuffer): Buffer {
    const variant = this.variants[this.next] as Variant;
    this.next = (this.next + 1) % VARIANTS;
    const now = Date.now() / 1000;
    const header = encodeEventBatch({ clientId, seq, sentAt: now }, []);
    const bytes = into.take(header.length + variant.body.length);
    header.copy(bytes, 0);
    variant.body.copy(bytes, header.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const { ages } = variant;
    for (const run of variant.runs) {
      const at = header.length + run.byteOffset;
      for (let k = 0; k < run.count; k += 1) {
        view.setFloat64(at + k * 8, now - (ages[run.first + k] as number), true);
      }
    }
    return bytes;
  }
}

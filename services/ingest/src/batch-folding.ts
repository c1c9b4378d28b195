import type {
  ColumnInput,
  DecodedBatch,
  EventLimits,
  HandlerRegistry,
  RejectCode__Output,
  TabDelta,
  TabParams,
  TabTypeName,
} from '@taba/common';
import {
  encodeTabOps,
  parseTypeSpec,
  partitionOf,
  stateToOps,
  tabaTypeName,
  typeSpec,
  validateColumn,
} from '@taba/common';

/** A refused event: where it was in the batch and why. */
export interface BatchRejection {
  /** Position in the batch, counting the columns in order. */
  readonly index: number;
  readonly tab: number;
  readonly event: number;
  readonly code: RejectCode__Output;
  readonly reason: string;
}

export interface FoldingOptions {
  readonly registry: HandlerRegistry;
  readonly limits: EventLimits;
  readonly partitionCount: number;
  /** Now, epoch seconds. */
  readonly now: number;
  /** The stored type spec of a Tab, when known (`COUNTER_GROUP`, `HISTOGRAM:1,5`). */
  readonly storedSpec: (name: string) => string | undefined;
  readonly bufferCapacity: number;
  /** Keeps Buffer entries of different batches apart: the seq, or a nonce for seq 0. */
  readonly uniqPrefix: string;
}

/** One Tab's Delta, ready to send, and which events of the batch were folded into it. */
export interface FoldedTab {
  readonly partition: number;
  readonly delta: TabDelta;
  /** Events folded into the Delta. */
  readonly count: number;
  /** Their positions in the batch, ascending (worked out on demand: only conflicts need them). */
  positions(): number[];
}

/** The accepted events of one column: batch position = base + selection[i]. */
interface Segment {
  readonly base: number;
  readonly selection: ArrayLike<number>;
}

export interface FoldedBatch {
  /** Partition → the Deltas of its Tabs, in the order the Tabs first appear. */
  readonly parts: ReadonlyMap<number, FoldedTab[]>;
  readonly rejections: BatchRejection[];
  readonly eventCount: number;
}

interface PendingTab {
  readonly type: TabTypeName;
  readonly params: TabParams;
  readonly state: unknown;
  readonly segments: Segment[];
  count: number;
}

function describeSpec(spec: string): string {
  const { type, bounds } = parseTypeSpec(spec);
  const name = tabaTypeName(type as TabTypeName);
  return bounds.length > 0 ? `${name} with bounds [${bounds.join(', ')}]` : name;
}

/**
 * Resolves a column's type against what is stored (or came earlier in the batch): an
 * unspecified type takes the stored one; a different one conflicts.
 */
function resolveColumn(
  column: ColumnInput,
  known: string | undefined,
): { column: ColumnInput } | { conflict: { code: RejectCode__Output; reason: string } } {
  if (column.type === undefined) return { column };
  if (column.type === 'TAB_TYPE_UNSPECIFIED') {
    if (known === undefined) return { column: { ...column, type: 'COUNTER_GROUP' } };
    const stored = parseTypeSpec(known);
    const bounds = column.bounds.length > 0 ? column.bounds : stored.bounds;
    return { column: { ...column, type: stored.type as TabTypeName, bounds } };
  }
  if (known === undefined) return { column };
  const mine = typeSpec(column.type, Array.from(column.bounds));
  if (mine === known) return { column };
  const stored = parseTypeSpec(known);
  const sameType = stored.type === column.type;
  return {
    conflict: {
      code: sameType ? 'INVALID_BOUNDS' : 'TYPE_CONFLICT',
      reason: `Tab "${column.name}" is a ${describeSpec(known)}; these events are a ${describeSpec(mine)}`,
    },
  };
}

/**
 * Validates every column of a batch and folds the accepted events into one Delta per
 * Tab, grouped by partition. Pure: the stored types come in through `storedSpec`.
 */
export function foldBatch(batch: DecodedBatch, options: FoldingOptions): FoldedBatch {
  const rejections: BatchRejection[] = [];
  const pending = new Map<string, PendingTab>();
  const batchSpecs = new Map<string, string>();
  const time = { now: options.now, sentAt: batch.sentAt };
  let offset = 0;

  batch.tabs.forEach((raw, tab) => {
    const count = raw.strings.length > 0 ? raw.strings.length : raw.values.length;
    const base = offset;
    offset += count;
    const resolved = resolveColumn(raw, batchSpecs.get(raw.name) ?? options.storedSpec(raw.name));
    if ('conflict' in resolved) {
      for (let event = 0; event < count; event += 1) {
        rejections.push({ index: base + event, tab, event, ...resolved.conflict });
      }
      return;
    }
    const validated = validateColumn(resolved.column, options.registry, time, options.limits);
    for (const rejection of validated.rejections) {
      rejections.push({ index: base + rejection.event, tab, ...rejection });
    }
    const selection = validated.columns.selection;
    if (selection.length === 0) return;
    batchSpecs.set(validated.name, typeSpec(validated.type, validated.params.bounds));
    const handler = options.registry[validated.type];
    let entry = pending.get(validated.name);
    if (!entry) {
      entry = {
        type: validated.type,
        params: validated.params,
        state: handler.create(validated.params),
        segments: [],
        count: 0,
      };
      pending.set(validated.name, entry);
    }
    handler.fold(entry.state, validated.columns, { clientId: batch.clientId });
    entry.segments.push({ base, selection });
    entry.count += selection.length;
  });

  const parts = new Map<number, FoldedTab[]>();
  for (const [name, entry] of pending) {
    const ops = stateToOps(entry.type, entry.state, {
      client: batch.clientId,
      uniqPrefix: options.uniqPrefix,
      bufferCapacity: options.bufferCapacity,
    });
    const partition = partitionOf(name, options.partitionCount);
    const list = parts.get(partition) ?? [];
    const { segments } = entry;
    list.push({
      partition,
      count: entry.count,
      positions: () =>
        segments.flatMap(({ base, selection }) => Array.from(selection, i => base + i)),
      delta: {
        name,
        type: entry.type,
        delta: encodeTabOps(ops),
        events: entry.count,
        bounds: entry.params.bounds ? [...entry.params.bounds] : [],
      },
    });
    parts.set(partition, list);
  }
  rejections.sort((a, b) => a.index - b.index);
  return { parts, rejections, eventCount: offset };
}

import type {
  ColumnInput,
  DecodedBatch,
  EventLimits,
  FoldContext,
  HandlerRegistry,
  OpsContext,
  RejectCode__Output,
  TabDelta,
  TabParams,
  TabTypeName,
  ValidationTime,
} from '@taba/common';
import {
  encodeStateOps,
  parseTypeSpec,
  partitionOf,
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

/** A FoldedTab whose positions come from its segments (a method: no closure per Tab). */
class BatchTab implements FoldedTab {
  constructor(
    readonly partition: number,
    readonly delta: TabDelta,
    readonly count: number,
    private readonly segments: readonly Segment[],
  ) {}

  positions(): number[] {
    const positions: number[] = [];
    for (const { base, selection } of this.segments) {
      for (let i = 0; i < selection.length; i += 1) positions.push(base + (selection[i] ?? 0));
    }
    return positions;
  }
}

/** A Tab of the batch while its columns are folded. */
interface PendingTab {
  /** Index of the Tab's last column: once it is folded, the Delta can be made. */
  lastColumn: number;
  /** Set by the first column with accepted events (from then on the Tab is in the batch). */
  type: TabTypeName;
  params: TabParams;
  /** The batch's type spec of the Tab: later columns must match it. */
  spec: string | undefined;
  /** The folded State; dropped once the Delta is made, so it dies young. */
  state: unknown;
  /** Made at the first segment: most Tabs have one column, so one slot (not push's 16). */
  segments: Segment[] | undefined;
  count: number;
  folded: FoldedTab | undefined;
}

function describeSpec(spec: string): string {
  const { type, bounds } = parseTypeSpec(spec);
  const name = tabaTypeName(type as TabTypeName);
  return bounds.length > 0 ? `${name} with bounds [${bounds.join(', ')}]` : name;
}

interface Conflict {
  readonly code: RejectCode__Output;
  readonly reason: string;
}

function isConflict(resolved: ColumnInput | Conflict): resolved is Conflict {
  return 'reason' in resolved;
}

/**
 * Resolves a column's type against what is stored (or came earlier in the batch): an
 * unspecified type takes the stored one; a different one conflicts.
 */
function resolveColumn(column: ColumnInput, known: string | undefined): ColumnInput | Conflict {
  if (column.type === undefined) return column;
  if (column.type === 'TAB_TYPE_UNSPECIFIED') {
    if (known === undefined) return { ...column, type: 'COUNTER_GROUP' };
    const stored = parseTypeSpec(known);
    const bounds = column.bounds.length > 0 ? column.bounds : stored.bounds;
    return { ...column, type: stored.type as TabTypeName, bounds };
  }
  if (known === undefined) return column;
  // Most columns have no bounds: their spec is the type itself, no text to build.
  const mine =
    column.bounds.length === 0 ? column.type : typeSpec(column.type, Array.from(column.bounds));
  if (mine === known) return column;
  const stored = parseTypeSpec(known);
  const sameType = stored.type === column.type;
  return {
    code: sameType ? 'INVALID_BOUNDS' : 'TYPE_CONFLICT',
    reason: `Tab "${column.name}" is a ${describeSpec(known)}; these events are a ${describeSpec(mine)}`,
  };
}

const NO_PARAMS: TabParams = Object.freeze({});

/** Every Tab of the batch by name, each knowing its last column. */
function pendingTabs(columns: readonly ColumnInput[]): Map<string, PendingTab> {
  const pending = new Map<string, PendingTab>();
  for (let tab = 0; tab < columns.length; tab += 1) {
    const name = columns[tab]?.name ?? '';
    const seen = pending.get(name);
    if (seen) {
      seen.lastColumn = tab;
      continue;
    }
    pending.set(name, {
      lastColumn: tab,
      type: 'COUNTER_GROUP',
      params: NO_PARAMS,
      spec: undefined,
      state: undefined,
      segments: undefined,
      count: 0,
      folded: undefined,
    });
  }
  return pending;
}

/** What one batch's folding shares across its columns. */
interface BatchContext {
  readonly options: FoldingOptions;
  readonly time: ValidationTime;
  readonly fold: FoldContext;
  readonly ops: OpsContext;
  readonly rejections: BatchRejection[];
  /** Tabs in the order their first events were accepted: the order of the parts. */
  readonly order: PendingTab[];
}

function rejectColumn(
  context: BatchContext,
  tab: number,
  base: number,
  count: number,
  conflict: Conflict,
): void {
  for (let event = 0; event < count; event += 1) {
    context.rejections.push({
      index: base + event,
      tab,
      event,
      code: conflict.code,
      reason: conflict.reason,
    });
  }
}

/** Validates one column and folds its accepted events into its Tab's State. */
function foldColumn(
  context: BatchContext,
  entry: PendingTab,
  raw: ColumnInput,
  tab: number,
  base: number,
): void {
  const { options } = context;
  const count = raw.strings.length > 0 ? raw.strings.length : raw.values.length;
  const resolved = resolveColumn(raw, entry.spec ?? options.storedSpec(raw.name));
  if (isConflict(resolved)) {
    rejectColumn(context, tab, base, count, resolved);
    return;
  }
  const validated = validateColumn(resolved, options.registry, context.time, options.limits);
  for (const rejection of validated.rejections) {
    context.rejections.push({ index: base + rejection.event, tab, ...rejection });
  }
  const selection = validated.columns.selection;
  if (selection.length === 0) return;
  entry.spec = typeSpec(validated.type, validated.params.bounds);
  const handler = options.registry[validated.type];
  if (entry.state === undefined) {
    entry.type = validated.type;
    entry.params = validated.params;
    entry.state = handler.create(validated.params);
    context.order.push(entry);
  }
  handler.fold(entry.state, validated.columns, context.fold);
  const segment = { base, selection };
  if (entry.segments) entry.segments.push(segment);
  else entry.segments = [segment];
  entry.count += selection.length;
}

/** Turns a Tab's folded State into its Delta and lets the State go. */
function finishTab(context: BatchContext, name: string, entry: PendingTab): void {
  const delta: TabDelta = {
    name,
    type: entry.type,
    delta: encodeStateOps(entry.type, entry.state, context.ops),
    events: entry.count,
    bounds: entry.params.bounds ? [...entry.params.bounds] : [],
  };
  const partition = partitionOf(name, context.options.partitionCount);
  entry.folded = new BatchTab(partition, delta, entry.count, entry.segments ?? []);
  entry.state = undefined;
}

/** Partition → its Tabs' Deltas, partitions and Tabs in the order the Tabs were first accepted. */
function groupByPartition(order: readonly PendingTab[]): Map<number, FoldedTab[]> {
  const parts = new Map<number, FoldedTab[]>();
  for (const { folded } of order) {
    if (!folded) continue;
    const list = parts.get(folded.partition);
    if (list) list.push(folded);
    else parts.set(folded.partition, [folded]);
  }
  return parts;
}

/**
 * Validates every column of a batch and folds the accepted events into one Delta per
 * Tab, grouped by partition. Pure: the stored types come in through `storedSpec`.
 * A Tab's Delta is made as soon as its last column is folded, so its State dies young.
 */
export function foldBatch(batch: DecodedBatch, options: FoldingOptions): FoldedBatch {
  const pending = pendingTabs(batch.tabs);
  const context: BatchContext = {
    options,
    time: { now: options.now, sentAt: batch.sentAt },
    fold: { clientId: batch.clientId },
    ops: {
      client: batch.clientId,
      uniqPrefix: options.uniqPrefix,
      bufferCapacity: options.bufferCapacity,
    },
    rejections: [],
    order: [],
  };
  let offset = 0;
  for (let tab = 0; tab < batch.tabs.length; tab += 1) {
    const raw = batch.tabs[tab];
    if (!raw) continue;
    const base = offset;
    offset += raw.strings.length > 0 ? raw.strings.length : raw.values.length;
    const entry = pending.get(raw.name);
    if (!entry) continue; // never: pendingTabs saw every name
    foldColumn(context, entry, raw, tab, base);
    if (tab === entry.lastColumn && entry.state !== undefined) finishTab(context, raw.name, entry);
  }
  context.rejections.sort((a, b) => a.index - b.index);
  return {
    parts: groupByPartition(context.order),
    rejections: context.rejections,
    eventCount: offset,
  };
}

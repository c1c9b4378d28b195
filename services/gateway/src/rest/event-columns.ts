import type { EventBatch, TabColumn, TabTypeName } from '@taba/common';
import type { RejectCode__Output, Rejection__Output } from '../contract.js';

/** One event as the REST bridge reads it, before it lands in a column. */
export interface ColumnEvent {
  readonly name: string;
  readonly type: TabTypeName;
  readonly value: number | string;
  /** Epoch seconds (EXPIRY_GAUGE and BUFFER). */
  readonly expiry?: number;
  /** Epoch seconds; none means the time of arrival. */
  readonly timestamp?: number;
  /** HISTOGRAM bucket bounds. */
  readonly bounds?: readonly number[];
}

/** An EventBatch and, for each of its events, where it came from (REST index, line number). */
export interface BuiltBatch<Origin> {
  readonly batch: EventBatch;
  /** `origins[tab][event]` is the origin of event `event` of `batch.tabs[tab]`. */
  readonly origins: readonly (readonly Origin[])[];
  readonly eventCount: number;
}

interface Group<Origin> {
  readonly name: string;
  readonly type: TabTypeName;
  readonly strings: boolean;
  readonly expiring: boolean;
  readonly bounds: readonly number[] | undefined;
  readonly values: (number | string)[];
  readonly expiries: number[];
  readonly timestamps: (number | undefined)[];
  readonly origins: Origin[];
}

/**
 * Groups events into the TabColumns of one EventBatch: one column per (name, type, value kind,
 * bounds), where the value kind is number or string, with or without an expiry. Events keep
 * their order inside a column; columns come in the order their first event came. Events of one
 * column with no timestamp while others have one get `now` (the gateway's time of arrival);
 * a column whose events carry no timestamp at all sends none (the batch's sent_at applies).
 */
export class ColumnBuilder<Origin> {
  private readonly groups = new Map<string, Group<Origin>>();
  private count = 0;

  get eventCount(): number {
    return this.count;
  }

  add(event: ColumnEvent, origin: Origin): void {
    const strings = typeof event.value === 'string';
    const expiring = event.expiry !== undefined;
    const key = JSON.stringify([event.name, event.type, strings, expiring, event.bounds ?? null]);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = {
        name: event.name,
        type: event.type,
        strings,
        expiring,
        bounds: event.bounds,
        values: [],
        expiries: [],
        timestamps: [],
        origins: [],
      };
      this.groups.set(key, group);
    }
    group.values.push(event.value);
    if (event.expiry !== undefined) group.expiries.push(event.expiry);
    group.timestamps.push(event.timestamp);
    group.origins.push(origin);
    this.count += 1;
  }

  /** The batch (`sent_at` 0: the time of arrival) and the origin of every event. */
  build(clientId: string, seq: number, nowSeconds: number, session = 0): BuiltBatch<Origin> {
    const tabs: TabColumn[] = [];
    const origins: Origin[][] = [];
    for (const group of this.groups.values()) {
      const anyTimestamp = group.timestamps.some(timestamp => timestamp !== undefined);
      const column: TabColumn = {
        name: group.name,
        type: group.type,
        timestamps: anyTimestamp ? group.timestamps.map(timestamp => timestamp ?? nowSeconds) : [],
        values: group.strings ? [] : (group.values as number[]),
        strings: group.strings ? (group.values as string[]) : [],
        expiries: group.expiring ? group.expiries : [],
        bounds: group.bounds ? [...group.bounds] : [],
      };
      tabs.push(column);
      origins.push(group.origins);
    }
    const batch = { clientId, seq, sentAt: 0, tabs, ...(session > 0 ? { session } : {}) };
    return { batch, origins, eventCount: this.count };
  }
}

/** A rejection traced back to where its event came from. */
export interface MappedRejection<Origin> {
  /** Undefined only when ingest named an event the batch does not have. */
  readonly origin: Origin | undefined;
  readonly code: RejectCode__Output;
  readonly reason: string;
}

/** Maps each rejection's (tab, event) back to the origin of that event. */
export function mapRejections<Origin>(
  rejected: readonly Rejection__Output[],
  origins: readonly (readonly Origin[])[],
): MappedRejection<Origin>[] {
  return rejected.map(rejection => ({
    origin: origins[rejection.tab]?.[rejection.event],
    code: rejection.code,
    reason: rejection.reason,
  }));
}

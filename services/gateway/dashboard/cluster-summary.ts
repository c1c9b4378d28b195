// The cluster view's reading of GET /v1/status: per instance its health, partitions, Redis
// shards, rates, lags, in-flight budgets and refusals, and what changed in the last minute.
// Pure, unit-tested.

/** One instance as /v1/status answers it (InstanceStatus in JSON). */
export interface InstanceStatus {
  readonly service: string;
  readonly instanceId: string;
  readonly address: string;
  readonly startedAt: number;
  readonly version: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly details: Readonly<Record<string, string>>;
}

export interface Budget {
  readonly name: string;
  readonly used: number;
  readonly limit: number;
  readonly refused: number | undefined;
}

export interface Shard {
  readonly index: string;
  readonly description: string;
  readonly healthy: boolean;
}

export interface InstanceSummary {
  readonly key: string;
  readonly service: string;
  readonly instanceId: string;
  readonly address: string;
  /** undefined when it answered; else why not (`details.error`). */
  readonly error: string | undefined;
  readonly partitionsOwned: string | undefined;
  readonly shards: readonly Shard[];
  readonly eventsPerSecond: number | undefined;
  /** [p50, p99] ms: ingest's batches, the aggregator's commit lag. */
  readonly batchMs: readonly [number, number] | undefined;
  readonly commitLagMs: readonly [number, number] | undefined;
  readonly budgets: readonly Budget[];
  /** Drops, refusals, rejections and failures by reason, the non-zero ones. */
  readonly refusals: readonly (readonly [string, number])[];
}

export function instancesOf(status: unknown): InstanceStatus[] {
  if (typeof status !== 'object' || status === null || !('instances' in status)) return [];
  const list = status.instances;
  return Array.isArray(list) ? (list as InstanceStatus[]) : [];
}

export function instanceKey(instance: InstanceStatus): string {
  return `${instance.service} ${instance.instanceId || instance.address}`;
}

function pair(metrics: Readonly<Record<string, number>>, p50: string, p99: string) {
  const low = metrics[p50];
  const high = metrics[p99];
  return low === undefined || high === undefined ? undefined : ([low, high] as const);
}

const REFUSAL = /(refused|rejected|dropped|drops|failed|failures|timeouts|out_of_memory)/;

export function summarizeInstance(instance: InstanceStatus): InstanceSummary {
  const metrics = instance.metrics ?? {};
  const details = instance.details ?? {};
  const shards = Object.entries(details)
    .filter(([key]) => /^redis\.shard\.\d+$/.test(key))
    .map(([key, description]) => ({
      index: key.slice('redis.shard.'.length),
      description,
      healthy: / ready\b/.test(description),
    }));
  const budgets: Budget[] = [];
  for (const [key, limit] of Object.entries(metrics)) {
    if (!key.endsWith('_limit')) continue;
    const name = key.slice(0, -'_limit'.length);
    const used = metrics[name];
    if (used === undefined) continue;
    budgets.push({ name, used, limit, refused: metrics[`${name}_refused`] });
  }
  const refusals = Object.entries(metrics).filter(
    ([key, value]) =>
      REFUSAL.test(key) && value !== 0 && !budgets.some(b => key === `${b.name}_refused`),
  );
  return {
    key: instanceKey(instance),
    service: instance.service,
    instanceId: instance.instanceId,
    address: instance.address,
    error: details.error,
    partitionsOwned: details['partitions.owned'],
    shards,
    eventsPerSecond:
      metrics['ingest.events_applied_per_second'] ?? metrics['commit.events_applied_per_second'],
    batchMs: pair(metrics, 'ingest.batch_ms_p50', 'ingest.batch_ms_p99'),
    commitLagMs: pair(metrics, 'commit.lag_ms_p50', 'commit.lag_ms_p99'),
    budgets,
    refusals,
  };
}

/** How far back "what changed" looks, ms. */
export const CHANGE_WINDOW_MS = 60_000;

interface Snapshot {
  readonly at: number;
  /** instance key → its metrics and health, flattened. */
  readonly values: ReadonlyMap<string, ReadonlyMap<string, number | string>>;
}

function flatten(instance: InstanceStatus): Map<string, number | string> {
  const values = new Map<string, number | string>(Object.entries(instance.metrics ?? {}));
  values.set('health', instance.details?.error === undefined ? 'up' : 'down');
  for (const [key, value] of Object.entries(instance.details ?? {})) {
    // A shard's ping time changes every second; its state (ready or not) is what matters.
    if (key.startsWith('redis.shard.')) values.set(key, value.replace(/ ping [\d.]+ ?ms/, ''));
    if (key === 'partitions.owned') values.set(key, value);
  }
  return values;
}

/** What changed per instance between the oldest status within the window and the newest. */
export class StatusHistory {
  private readonly snapshots: Snapshot[] = [];

  /** Records `instances` at `now` (ms) and answers, per instance key, the keys that changed. */
  record(instances: readonly InstanceStatus[], now: number): Map<string, Set<string>> {
    const values = new Map(instances.map(instance => [instanceKey(instance), flatten(instance)]));
    this.snapshots.push({ at: now, values });
    while (this.snapshots.length > 1 && (this.snapshots[0]?.at ?? now) < now - CHANGE_WINDOW_MS) {
      this.snapshots.shift();
    }
    const oldest = this.snapshots[0]?.values ?? values;
    const changed = new Map<string, Set<string>>();
    for (const [key, current] of values) {
      const before = oldest.get(key);
      const keys = new Set<string>();
      // An instance that appeared within the window changed as a whole.
      if (before === undefined) keys.add('instance');
      // A figure that appeared, changed or went (e.g. a shard's line, once the instance is down).
      const names = new Set([...current.keys(), ...(before?.keys() ?? [])]);
      for (const name of names) {
        if (before !== undefined && before.get(name) !== current.get(name)) keys.add(name);
      }
      changed.set(key, keys);
    }
    return changed;
  }
}

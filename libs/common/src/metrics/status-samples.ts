import type { InstanceStatus } from '../generated/taba/v1/InstanceStatus.js';

/** One Prometheus sample derived from a status figure. */
export interface StatusSample {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * How a status metric key becomes a Prometheus family: `key` matches the whole key; its first
 * capture group, if any, is the value of `label`.
 */
interface Rule {
  readonly key: RegExp;
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly label?: string;
  /** Fixed labels (e.g. which budget). */
  readonly labels?: Readonly<Record<string, string>>;
}

const counter = (key: RegExp, name: string, help: string, label?: string): Rule => ({
  key,
  name,
  type: 'counter',
  help,
  ...(label === undefined ? {} : { label }),
});
const gauge = (key: RegExp, name: string, help: string, label?: string): Rule => ({
  key,
  name,
  type: 'gauge',
  help,
  ...(label === undefined ? {} : { label }),
});

/** An InflightBudget's four figures (see InflightBudget.metrics) under `prefix`. */
function budget(prefix: string, unit: 'bytes' | 'requests'): Rule[] {
  const at = prefix.replaceAll('.', '\\.');
  const labels = { budget: prefix };
  return [
    {
      ...gauge(new RegExp(`^${at}$`), `taba_inflight_${unit}`, `In-flight ${unit} held now`),
      labels,
    },
    {
      ...gauge(
        new RegExp(`^${at}_peak$`),
        `taba_inflight_${unit}_peak`,
        `Most in-flight ${unit} held at once since start`,
      ),
      labels,
    },
    {
      ...gauge(
        new RegExp(`^${at}_limit$`),
        `taba_inflight_${unit}_limit`,
        `In-flight ${unit} allowed together`,
      ),
      labels,
    },
    {
      ...counter(
        new RegExp(`^${at}_refused$`),
        'taba_inflight_refused_total',
        'Work refused (OVERLOADED) by an in-flight budget',
      ),
      labels,
    },
  ];
}

/** Status keys that Prometheus derives itself: rates (rate()) and recent percentiles (the histograms). */
const DERIVED = /(_per_second|_ms_p50|_ms_p99|_ms_max)$/;
/** Totals of a labelled family that Prometheus sums itself (query's `errors` = sum of `errors.<REASON>`). */
const SUMS = /^errors$/;

const RULES: readonly Rule[] = [
  counter(
    /^refused\.(.+)$/,
    'taba_refused_total',
    'Requests refused by a limit, by reason',
    'reason',
  ),
  // gateway
  gauge(
    /^instances\.(.+)$/,
    'taba_gateway_instances',
    'Instances of each downstream service discovery reports',
    'service',
  ),
  counter(
    /^retries\.(.+)$/,
    'taba_gateway_retries_total',
    'Calls retried on another instance, by service',
    'service',
  ),
  ...budget('gateway.inflight_bytes', 'bytes'),
  gauge(/^auth\.required$/, 'taba_auth_required', '1 when bearer tokens are required'),
  gauge(/^auth\.tokens$/, 'taba_auth_tokens', 'Tokens loaded from the tokens file'),
  counter(/^auth\.reloads$/, 'taba_auth_reloads_total', 'Tokens file reloads'),
  counter(
    /^auth\.reload_failures$/,
    'taba_auth_reload_failures_total',
    'Tokens file reloads that failed',
  ),
  counter(
    /^auth\.refused\.(.+)$/,
    'taba_auth_refused_total',
    'Calls refused by authentication or scope, by reason',
    'reason',
  ),
  // ingest
  counter(/^ingest\.batches$/, 'taba_batches_total', 'Batches taken by ingest'),
  counter(
    /^ingest\.batches_failed$/,
    'taba_batches_failed_total',
    'Batches answered with an error',
  ),
  counter(/^ingest\.events_received$/, 'taba_events_received_total', 'Events received in batches'),
  counter(
    /^ingest\.events_applied$/,
    'taba_events_applied_total',
    'Events applied (committed to the aggregators)',
  ),
  counter(
    /^ingest\.events_rejected\.(.+)$/,
    'taba_events_rejected_total',
    'Events rejected on their own, by code',
    'code',
  ),
  counter(
    /^ingest\.batches_refused\.(.+)$/,
    'taba_dropped_total',
    'Batches dropped whole by the sequence check, by reason',
    'reason',
  ),
  counter(
    /^ingest\.parts_duplicate$/,
    'taba_duplicate_parts_total',
    'Parts already applied (a retry), not applied again',
  ),
  counter(
    /^ingest\.older_sessions_fenced$/,
    'taba_older_sessions_fenced_total',
    'Older sessions of a client fenced by a newer one',
  ),
  counter(
    /^ingest\.commit_retries$/,
    'taba_commit_retries_total',
    'Commits retried on an aggregator',
  ),
  counter(/^ingest\.type_cache_hits$/, 'taba_type_cache_hits_total', 'Type cache hits'),
  counter(/^ingest\.type_cache_misses$/, 'taba_type_cache_misses_total', 'Type cache misses'),
  ...budget('ingest.inflight_bytes', 'bytes'),
  // aggregator
  counter(/^commit\.requests$/, 'taba_commit_requests_total', 'Commit requests answered'),
  counter(
    /^commit\.requests_failed$/,
    'taba_commit_requests_failed_total',
    'Commit requests answered with an error',
  ),
  counter(/^commit\.parts$/, 'taba_commit_parts_total', 'Parts committed'),
  counter(
    /^commit\.parts_duplicate$/,
    'taba_commit_parts_duplicate_total',
    'Parts already applied',
  ),
  counter(
    /^commit\.parts_refused\.(.+)$/,
    'taba_commit_parts_refused_total',
    'Parts refused by the mark check, by reason',
    'reason',
  ),
  counter(
    /^commit\.tabs_conflicting$/,
    'taba_commit_tabs_conflicting_total',
    'Tabs whose type conflicted',
  ),
  counter(
    /^commit\.events_applied$/,
    'taba_commit_events_applied_total',
    'Events applied to Redis',
  ),
  counter(
    /^commit\.shard_calls$/,
    'taba_commit_shard_calls_total',
    'Commit script calls to Redis shards',
  ),
  counter(
    /^commit\.shard_calls_failed$/,
    'taba_commit_shard_calls_failed_total',
    'Commit script calls that failed',
  ),
  counter(
    /^commit\.shard_calls_out_of_memory$/,
    'taba_commit_shard_calls_out_of_memory_total',
    'Commit script calls Redis refused at maxmemory',
  ),
  counter(
    /^commit\.tabs_refused_limit$/,
    'taba_commit_tabs_refused_total',
    'Tabs refused by a cardinality cap',
  ),
  counter(
    /^commit\.refused_queue_full$/,
    'taba_commit_refused_queue_full_total',
    'Commits refused because the group-commit queue was full',
  ),
  ...budget('commit.pending_bytes', 'bytes'),
  counter(
    /^compact\.(cells|cells_deleted|cells_raced|cells_deferred|cells_failed|pruned)$/,
    'taba_compact_total',
    'Cell compaction outcomes',
    'outcome',
  ),
  gauge(/^compact\.queued$/, 'taba_compact_queued', 'Cells waiting for compaction'),
  gauge(/^cardinality\.tabs_known$/, 'taba_cardinality_tabs', 'Tabs known to the cardinality view'),
  counter(
    /^cardinality\.refused_(.+)$/,
    'taba_cardinality_refused_total',
    'Tabs refused by a cardinality cap, by cap',
    'cap',
  ),
  counter(
    /^cardinality\.refreshes$/,
    'taba_cardinality_refreshes_total',
    'Cardinality view refreshes',
  ),
  counter(
    /^cardinality\.refresh_failures$/,
    'taba_cardinality_refresh_failures_total',
    'Cardinality view refreshes that failed',
  ),
  counter(/^prune\.runs$/, 'taba_prune_runs_total', 'Pruner runs'),
  counter(/^prune\.failures$/, 'taba_prune_failures_total', 'Pruner runs that failed'),
  counter(
    /^prune\.(deleted|cells_raced|marks_forgotten|states_expired|partitions_failed)$/,
    'taba_prune_total',
    'Pruner outcomes',
    'outcome',
  ),
  // query
  counter(/^cache\.hits$/, 'taba_cache_hits_total', 'Query cache hits'),
  counter(/^cache\.misses$/, 'taba_cache_misses_total', 'Query cache misses'),
  gauge(/^cache\.entries$/, 'taba_cache_entries', 'Query cache entries'),
  gauge(/^cache\.bytes$/, 'taba_cache_bytes', 'Query cache bytes'),
  gauge(/^cache\.bytes_limit$/, 'taba_cache_bytes_limit', 'Query cache byte limit (0: none)'),
  counter(/^cache\.too_large$/, 'taba_cache_too_large_total', 'Answers too large to cache'),
  ...budget('queries.inflight', 'requests'),
  counter(/^regex\.jobs$/, 'taba_regex_jobs_total', 'Regular expressions run in the matcher'),
  counter(
    /^regex\.timeouts$/,
    'taba_regex_timeouts_total',
    'Regular expressions stopped at their time limit',
  ),
  counter(
    /^errors\.(.+)$/,
    'taba_query_errors_total',
    'Queries answered with an error, by reason',
    'reason',
  ),
  counter(/^queries\.([A-Za-z]+)$/, 'taba_queries_total', 'Queries answered, by method', 'method'),
];

/** A status key no rule knows, as a gauge: no figure of status is left out. */
function fallback(key: string, value: number): StatusSample {
  return {
    name: `taba_status_${key.replace(/[^A-Za-z0-9_]/g, '_')}`,
    type: 'gauge',
    help: `Status figure ${key}`,
    labels: {},
    value,
  };
}

function sampleOf(key: string, value: number): StatusSample | undefined {
  if (DERIVED.test(key) || SUMS.test(key)) return undefined;
  for (const rule of RULES) {
    const match = rule.key.exec(key);
    if (!match) continue;
    const labels: Record<string, string> = { ...rule.labels };
    if (rule.label !== undefined) labels[rule.label] = match[1] ?? '';
    return { name: rule.name, type: rule.type, help: rule.help, labels, value };
  }
  return fallback(key, value);
}

/** `redis.shard.N` details read `<shard> <status> ping …` or `<shard> <status> error: …`. */
function shardSamples(details: Readonly<Record<string, string>>): StatusSample[] {
  const samples: StatusSample[] = [];
  for (const [key, text] of Object.entries(details)) {
    if (!/^redis\.shard\.\d+$/.test(key)) continue;
    const [shard = '', status = ''] = text.split(' ');
    const up = status === 'ready' && !text.includes(' error: ') ? 1 : 0;
    samples.push({
      name: 'taba_redis_shard_up',
      type: 'gauge',
      help: '1 when the Redis shard answered PING and its connection is ready, else 0',
      labels: { shard },
      value: up,
    });
  }
  return samples;
}

function partitionSamples(details: Readonly<Record<string, string>>): StatusSample[] {
  const samples: StatusSample[] = [];
  const total = Number(details.partitions);
  if (details.partitions !== undefined && Number.isFinite(total))
    samples.push({
      name: 'taba_partitions',
      type: 'gauge',
      help: 'Partitions of the cluster',
      labels: {},
      value: total,
    });
  const owned = Number(details['partitions.owned']);
  if (details['partitions.owned'] !== undefined && Number.isFinite(owned))
    samples.push({
      name: 'taba_partitions_owned',
      type: 'gauge',
      help: 'Partitions this aggregator owns (prunes)',
      labels: {},
      value: owned,
    });
  return samples;
}

/**
 * Every figure of an instance's status as Prometheus samples: the metrics map by the rules
 * above (unknown keys as `taba_status_<key>` gauges; rates and recent percentiles left to
 * Prometheus and the histograms), plus Redis shard health and partition counts from the details.
 */
export function statusSamples(status: InstanceStatus): StatusSample[] {
  const samples: StatusSample[] = [];
  for (const [key, value] of Object.entries(status.metrics ?? {})) {
    const sample = sampleOf(key, Number(value));
    if (sample) samples.push(sample);
  }
  const details = status.details ?? {};
  return [...samples, ...shardSamples(details), ...partitionSamples(details)];
}

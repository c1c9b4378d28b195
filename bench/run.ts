// The end-to-end benchmark: the whole stack (2 Redis shards) on this machine, driven for a
// fixed time by several load processes sending columnar batches (1,000 Tabs, 100 client IDs,
// mostly counters). Prints events/s acknowledged, ack latency p50/p99, event-to-query
// visibility p99, each service's peak RSS, the bare grpc-js stream of the same bytes with the
// ratio, and whether the total count read back equals the events acknowledged. The last line
// is one JSON object.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { credentials } from '@grpc/grpc-js';
import { grpcChannelOptions, loadTabaProtos, unaryCall } from '@taba/common';
import { startStack } from '../test/support/stack.js';
import { bareStreamBatchesPerSecond } from './bare-stream.js';
import { benchTabs } from './bench-batches.js';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const WARMUP_MS = 3000;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const CLIENT_IDS = Number(process.env.BENCH_CLIENTS ?? 100);
const TABS = 1000;
const EVENTS_PER_BATCH = Number(process.env.BENCH_BATCH ?? 20_000);
const EVENTS_PER_TAB = Number(process.env.BENCH_PER_TAB ?? 2000);
const RATE_PER_CLIENT = Number(process.env.BENCH_RATE ?? 0);
// BENCH_TIMESTAMPS=1: every event carries its own timestamp, as the TypeScript client sends them.
const TIMESTAMPS = process.env.BENCH_TIMESTAMPS === '1';
// BENCH_TARGET=ingest sends straight to ingest, to see what the gateway hop costs.
const DIRECT_TO_INGEST = process.env.BENCH_TARGET === 'ingest';

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

const stack = await startStack({
  redisShards: 2,
  // Durable as deployed: AOF, fsync every second (DESIGN: Redis durability).
  redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
  ingests: Number(process.env.BENCH_INGESTS ?? 1),
  env: { TABA_LOG_LEVEL: 'error', TABA_PRUNE_INTERVAL_MS: '0' },
});
const Taba = loadTabaProtos().taba.v1.Taba;
const taba = new Taba(stack.grpcAddress, credentials.createInsecure(), grpcChannelOptions());
const call = <Req, Res>(method: 'getAggregates' | 'postEvents', request: Req) =>
  unaryCall<Req, Res>(
    (r, m, o, cb) => (taba[method] as unknown as (...args: unknown[]) => never)(r, m, o, cb),
    request,
    { deadlineMs: 30_000 },
  );

try {
  // Visibility probes: a marker event, then poll the aggregate until it shows.
  const visibility: number[] = [];
  const probe = async (i: number) => {
    const sentAt = performance.now();
    await call('postEvents', {
      clientId: 'bench-probe',
      seq: Date.now() * 1000 + i,
      tabs: [{ name: 'bench.probe', values: [1] }],
    });
    for (;;) {
      const reply = await call<unknown, { tabs: { body: string }[] }>('getAggregates', {
        filter: { names: ['bench.probe'] },
      });
      const count = (JSON.parse(reply.tabs[0]?.body ?? '{}') as { lifetime?: { count?: number } })
        .lifetime?.count;
      if (count === i + 1) break;
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    visibility.push(performance.now() - sentAt);
  };

  const clients = Array.from({ length: CLIENT_IDS }, (_, index) => ({
    id: `bench-client-${index}`,
    index,
  }));
  const workers = Array.from({ length: WORKERS }, () =>
    fork(new URL('./load-worker.ts', import.meta.url).pathname, [], {
      execArgv: ['--conditions=@taba/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const reports = workers.map(
    (worker, w) =>
      new Promise<{
        eventsAcknowledged: number;
        batches: number;
        errors: number;
        latenciesMs: number[];
        countableAcknowledged: number;
      }>((resolve, reject) => {
        worker.once('message', (message: { error?: string }) =>
          message.error ? reject(new Error(message.error)) : resolve(message as never),
        );
        worker.send({
          address: DIRECT_TO_INGEST ? stack.ingest.address : stack.grpcAddress,
          method: DIRECT_TO_INGEST ? '/taba.internal.v1.Ingest/Ingest' : '/taba.v1.Taba/PostEvents',
          // BENCH_UNARY=1 posts with one unary call per batch instead of PostEventsStream.
          stream: !DIRECT_TO_INGEST && process.env.BENCH_UNARY !== '1',
          clients: clients.filter((_, c) => c % WORKERS === w),
          tabCount: TABS,
          eventsPerBatch: EVENTS_PER_BATCH,
          eventsPerTab: EVENTS_PER_TAB,
          durationMs: DURATION_MS,
          warmupMs: WARMUP_MS,
          ratePerClient: RATE_PER_CLIENT,
          timestamps: TIMESTAMPS,
        });
      }),
  );
  await new Promise(resolve => setTimeout(resolve, WARMUP_MS));
  for (let i = 0; i < 20; i += 1) {
    await probe(i);
    await new Promise(resolve => setTimeout(resolve, DURATION_MS / 25));
  }
  const done = await Promise.all(reports);

  const acknowledged = done.reduce((sum, r) => sum + r.eventsAcknowledged, 0);
  const countable = done.reduce((sum, r) => sum + r.countableAcknowledged, 0);
  const latencies = done.flatMap(r => r.latenciesMs).sort((a, b) => a - b);
  const errors = done.reduce((sum, r) => sum + r.errors, 0);
  const eventsPerSec = acknowledged / (DURATION_MS / 1000);
  const rss = Object.fromEntries(
    [
      ['gateway', stack.gateway],
      ['ingest', stack.ingest],
      ['query', stack.query],
      ['aggregator', stack.aggregators[0]],
    ].map(([name, child]) => [name, peakRssMb((child as { pid: number }).pid)]),
  );

  // Exactness: the lifetime counts of every bench Tab add up to every event acknowledged.
  const reply = await call<unknown, { tabs: { name: string; body: string }[] }>('getAggregates', {
    filter: { names: ['^bench\\.tab\\.'], regex: true },
  });
  let found = 0;
  for (const tab of reply.tabs) {
    // CounterGroup: lifetime count; PercentileGroup: the 1d window holds the whole run.
    const render = JSON.parse(tab.body) as {
      lifetime?: { count?: number };
      '1d'?: { count?: number };
    };
    if (tab.body.includes('"percentiles"') && render.lifetime?.count !== undefined)
      found += render.lifetime.count;
    else if (render.lifetime === undefined && render['1d']?.count !== undefined)
      found += render['1d'].count;
  }
  // The bytes of a real batch of this run (client 0's; every client's differ by a few bytes).
  const batchBytes = loadTabaProtos().taba.v1.Taba.service.PostEvents.requestSerialize({
    clientId: 'bench-client-0',
    seq: Date.now() * 1000,
    ...benchTabs(0, {
      tabCount: TABS,
      eventsPerBatch: EVENTS_PER_BATCH,
      eventsPerTab: EVENTS_PER_TAB,
      timestamps: TIMESTAMPS,
    }),
  }).length;
  const bare = (await bareStreamBatchesPerSecond(batchBytes, 5000)) * EVENTS_PER_BATCH;
  visibility.sort((a, b) => a - b);
  const result = {
    eventsPerSec: Math.round(eventsPerSec),
    ackP50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    ackP99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
    visibilityP99Ms: Number(percentile(visibility, 0.99).toFixed(1)),
    bareStreamEventsPerSec: Math.round(bare),
    ratio: Number((eventsPerSec / bare).toFixed(3)),
    exact: found === countable,
  };
  console.log(
    `events acknowledged: ${acknowledged} in ${DURATION_MS / 1000} s; failed attempts (retried): ${errors}`,
  );
  console.log(`events/s acknowledged: ${result.eventsPerSec}`);
  console.log(`ack latency p50/p99: ${result.ackP50Ms} / ${result.ackP99Ms} ms`);
  console.log(`visibility p99: ${result.visibilityP99Ms} ms`);
  console.log(`peak RSS (MB): ${JSON.stringify(rss)}`);
  console.log(
    `bare grpc-js stream of the same bytes: ${result.bareStreamEventsPerSec} events/s, ratio ${result.ratio}`,
  );
  console.log(
    `exactness: counter and percentile events acknowledged ${countable}, counted in Redis ${found}`,
  );
  console.log(JSON.stringify(result));
} finally {
  taba.close();
  await stack.stop();
}

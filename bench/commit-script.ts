// Redis CPU of the commit script per (Tab, client) cell, from INFO cpu of one redis-server:
// CLIENTS batches of each shape (per-event timestamps), folded by ingest, committed
// BATCHES_PER_CALL batches a call, one seq further each round. The last line is one JSON object.
import { loadTabaProtos } from '@taba/common';
import { Redis } from 'ioredis';
import type { CommitPart } from '../services/aggregator/src/redis/commit-args.js';
import { defineCommitScript, runCommit } from '../services/aggregator/src/redis/commit-script.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { benchTabs } from './bench-batches.js';
import { foldBenchBatch } from './bench-fold.js';

const CLIENTS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCHES_PER_CALL = Number(process.env.BENCH_BATCHES_PER_CALL ?? 5);
const SHAPES = {
  deep: { tabCount: 1000, eventsPerBatch: 20_000, eventsPerTab: 2000 },
  wide: { tabCount: 1000, eventsPerBatch: 2000, eventsPerTab: 2 },
  'client-default': { tabCount: 1000, eventsPerBatch: 10_000, eventsPerTab: 10 },
} as const;
const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;

/** Client `client`'s batch as the aggregator receives it: one part per partition. */
function partsOf(client: number, shape: (typeof SHAPES)[keyof typeof SHAPES]): CommitPart[] {
  const bytes = codec.requestSerialize({
    clientId: `bench-client-${client}`,
    ...benchTabs(client, { ...shape, timestamps: true }),
  });
  return [...foldBenchBatch(bytes).parts].map(([partition, tabs]) => ({
    partition,
    client: `bench-client-${client}`,
    seq: 0,
    tabs: tabs.map(({ delta }) => ({
      name: delta.name ?? '',
      spec: String(delta.type),
      delta: delta.delta as Uint8Array,
    })),
  }));
}

const server = await startRedisServer({});
const redis = new Redis(server.url);
try {
  defineCommitScript(redis);
  const cpuSeconds = async () => {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  };
  const figures: Record<string, number> = {};
  for (const [name, shape] of Object.entries(SHAPES)) {
    await redis.flushall();
    const batches = Array.from({ length: CLIENTS }, (_, client) => partsOf(client, shape));
    const cells = batches.reduce(
      (sum, b) => sum + b.reduce((n, part) => n + part.tabs.length, 0),
      0,
    );
    let seq = 1;
    const round = async () => {
      seq += 1;
      for (let c = 0; c < CLIENTS; c += BATCHES_PER_CALL) {
        const parts = batches.slice(c, c + BATCHES_PER_CALL).flat();
        await runCommit(
          redis,
          parts.map(part => ({ ...part, seq })),
          Date.now(),
        );
      }
    };
    await round();
    const before = await cpuSeconds();
    for (let r = 0; r < ROUNDS; r += 1) await round();
    const perCell = (((await cpuSeconds()) - before) * 1e6) / (ROUNDS * cells);
    figures[name] = Number(perCell.toFixed(1));
    console.log(
      `${name}: Redis CPU per cell ${perCell.toFixed(1)} µs (${cells / CLIENTS} cells a batch)`,
    );
  }
  console.log(JSON.stringify({ redisMicrosPerCell: figures }));
} finally {
  await redis.quit();
  await server.stop();
}

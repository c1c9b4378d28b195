// Redis CPU of the commit script per batch of the end-to-end benchmark (20,000 events over
// 10 Tabs, folded by ingest), group-committed 5 batches a call into one redis-server, read
// from INFO cpu. REDIS_ARGS adds redis-server arguments (e.g. "--hash-max-listpack-entries 128"
// to compare with Redis's default). The last line is one JSON object.
import { decodeTabOps, loadTabaProtos } from '@taba/common';
import { Redis } from 'ioredis';
import type { CommitPart } from '../services/aggregator/src/redis/commit-args.js';
import { defineCommitScript, runCommit } from '../services/aggregator/src/redis/commit-script.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { benchTabs } from './bench-batches.js';
import { foldBenchBatch } from './bench-fold.js';

const CLIENTS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const BATCHES_PER_CALL = 5;
const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;

/** Client `client`'s batch as the aggregator receives it: one part per partition. */
function partsOf(client: number): CommitPart[] {
  const bytes = codec.requestSerialize({
    clientId: `bench-client-${client}`,
    ...benchTabs(client),
  });
  const folded = foldBenchBatch(bytes);
  return [...folded.parts].map(([partition, tabs]) => ({
    partition,
    client: `bench-client-${client}`,
    seq: 0,
    tabs: tabs.map(({ delta }) => ({
      name: delta.name ?? '',
      spec: String(delta.type),
      ops: decodeTabOps(delta.delta as Uint8Array),
    })),
  }));
}

const extraArgs = process.env.REDIS_ARGS ? process.env.REDIS_ARGS.split(' ') : [];
const server = await startRedisServer({ extraArgs });
const redis = new Redis(server.url);
try {
  defineCommitScript(redis);
  const cpuSeconds = async () => {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  };
  const batches = Array.from({ length: CLIENTS }, (_, client) => partsOf(client));
  let seq = 1;
  const commitRound = async () => {
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
  await commitRound();
  const before = await cpuSeconds();
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) await commitRound();
  const micros = ((await cpuSeconds()) - before) * 1e6;
  const wallMicros = (performance.now() - started) * 1000;
  const perBatch = micros / (ROUNDS * CLIENTS);
  console.log(
    `Redis CPU per batch: ${perBatch.toFixed(0)} µs (wall ${(wallMicros / (ROUNDS * CLIENTS)).toFixed(0)} µs), ${BATCHES_PER_CALL} batches per call`,
  );
  console.log(JSON.stringify({ redisMicrosPerBatch: Math.round(perBatch) }));
} finally {
  await redis.quit();
  await server.stop();
}

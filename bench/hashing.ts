// Times the partition maps: rendezvous with bounded loads (1024 partitions over 10
// aggregators) and the bounded-load ring (1024 partitions over 6 shards). Prints the
// median of 9 runs after a warm-up; the last line is one JSON object.
import { assignPartitions, ConsistentRing, partitionOf } from '@taba/common';

function medianMs(runs: number, body: (run: number) => unknown): number {
  body(-1);
  const timings: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    body(run);
    timings.push(performance.now() - started);
  }
  return timings.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? Number.NaN;
}

const rendezvousMs = medianMs(9, run =>
  assignPartitions(
    Array.from({ length: 10 }, (_, i) => `aggregator-${run}-${i}`),
    1024,
  ),
);
const ringMs = medianMs(9, run =>
  new ConsistentRing(Array.from({ length: 6 }, (_, i) => `redis-${run}-${i}:6379`)).assignment(),
);
const names = Array.from({ length: 100_000 }, (_, i) => `bid.price.${i}`);
const partitionNs =
  (medianMs(9, () => {
    for (const name of names) partitionOf(name, 1024);
  }) *
    1e6) /
  names.length;
console.log(`rendezvous, 1024 partitions over 10 members: ${rendezvousMs.toFixed(2)} ms`);
console.log(`ring, 1024 partitions over 6 shards:          ${ringMs.toFixed(2)} ms`);
console.log(`partitionOf per name:                         ${partitionNs.toFixed(0)} ns`);
console.log(JSON.stringify({ rendezvousMs, ringMs, partitionNs }));

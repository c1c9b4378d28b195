// Redis commands run, from INFO commandstats of every shard: the sum of `calls` over all
// commands (commands a Lua script runs are counted there too, besides EVALSHA itself).
import { Redis } from 'ioredis';

/** `cmdstat_hget:calls=12,usec=…` lines summed. */
export function totalCalls(info: string): number {
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) total += Number(match[1]);
  return total;
}

export class CommandStats {
  private readonly connections: Redis[];

  constructor(ports: readonly number[]) {
    this.connections = ports.map(
      port => new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 2 }),
    );
  }

  /** Commands run so far on all shards (this INFO included: one per shard per reading). */
  async calls(): Promise<number> {
    const infos = await Promise.all(this.connections.map(redis => redis.info('commandstats')));
    return infos.reduce((sum, info) => sum + totalCalls(info), 0);
  }

  close(): void {
    for (const redis of this.connections) redis.disconnect();
  }
}

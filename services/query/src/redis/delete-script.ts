import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@taba/common';
import { ALL_CLIENTS, redisKeys, ScriptKeys } from '@taba/common';
import type { Result } from 'ioredis';

// NOTE: the build copies src/redis/lua to dist/redis/lua (tsc does not copy .lua files).
const DELETE_SOURCE = readFileSync(new URL('./lua/delete-tabs.lua', import.meta.url), 'utf8');

/** Versioned, so two deployed versions never run each other's script. */
const DELETE_COMMAND = 'tabaDeleteTabsV1';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tabaDeleteTabsV1(numberOfKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
  }
}

export function defineDeleteScript(redis: RedisConnection): void {
  if (typeof (redis as unknown as Record<string, unknown>)[DELETE_COMMAND] !== 'function') {
    redis.defineCommand(DELETE_COMMAND, { lua: DELETE_SOURCE });
  }
}

/** A Tab of one partition to delete, with the clients that wrote it as read just before. */
export interface TabToDelete {
  readonly name: string;
  readonly type: string;
  readonly clients: readonly string[];
}

/**
 * KEYS and ARGV of delete-tabs.lua: every key a Tab can have (its cell per client and for all
 * clients). Pure: unit-tested without Redis.
 */
export function buildDeleteArgs(
  partition: number,
  tabs: readonly TabToDelete[],
): { keys: string[]; argv: string[] } {
  const keys = new ScriptKeys();
  const argv = [
    keys.of(redisKeys.version(partition)),
    keys.of(redisKeys.types(partition)),
    String(tabs.length),
  ];
  const doomed: string[] = [];
  for (const tab of tabs) {
    argv.push(
      tab.name,
      keys.of(redisKeys.clients(partition, tab.name)),
      String(tab.clients.length),
    );
    for (const client of tab.clients) {
      argv.push(client, keys.of(redisKeys.tabsOfClient(partition, client)));
    }
    for (const client of [...tab.clients, ALL_CLIENTS]) {
      doomed.push(keys.of(redisKeys.cell(partition, tab.name, client)));
    }
  }
  argv.push(String(doomed.length), ...doomed);
  return { keys: keys.keys, argv };
}

/** Runs the delete; false when a commit changed the Tabs' clients in between (read again). */
export async function runDelete(
  redis: RedisConnection,
  partition: number,
  tabs: readonly TabToDelete[],
): Promise<boolean> {
  const { keys, argv } = buildDeleteArgs(partition, tabs);
  return (await redis.tabaDeleteTabsV1(keys.length, ...keys, ...argv)) === 1;
}

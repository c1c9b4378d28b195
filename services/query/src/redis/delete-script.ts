import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@taba/common';
import { ALL_CLIENTS, redisKeys, ScriptKeys } from '@taba/common';
import type { Result } from 'ioredis';

// NOTE: the build copies src/redis/lua to dist/redis/lua (tsc does not copy .lua files).
const DELETE_SOURCE = readFileSync(new URL('./lua/delete-tabs.lua', import.meta.url), 'utf8');
const DELETE_CELLS_SOURCE = readFileSync(
  new URL('./lua/delete-cells.lua', import.meta.url),
  'utf8',
);

/** Versioned, so two deployed versions never run each other's script. */
const DELETE_COMMAND = 'tabaDeleteTabsV1';
const DELETE_CELLS_COMMAND = 'tabaDeleteCellsV1';

/**
 * Clients of one Tab whose cells one script call deletes at most: a wider Tab is deleted in
 * steps (delete-cells.lua), so no call's arguments grow with the Tab.
 */
export const DELETE_CLIENTS_PER_CALL = 5000;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    // Arrays, not spread arguments: ioredis flattens them, and a spread outgrows the stack.
    tabaDeleteTabsV1(
      numberOfKeys: number,
      keys: readonly string[],
      argv: readonly string[],
    ): Result<number, Context>;
    tabaDeleteCellsV1(
      numberOfKeys: number,
      keys: readonly string[],
      argv: readonly string[],
    ): Result<number, Context>;
  }
}

export function defineDeleteScript(redis: RedisConnection): void {
  const commands = redis as unknown as Record<string, unknown>;
  if (typeof commands[DELETE_COMMAND] !== 'function') {
    redis.defineCommand(DELETE_COMMAND, { lua: DELETE_SOURCE });
  }
  if (typeof commands[DELETE_CELLS_COMMAND] !== 'function') {
    redis.defineCommand(DELETE_CELLS_COMMAND, { lua: DELETE_CELLS_SOURCE });
  }
}

/** Deletes some clients' cells of a Tab and their index entries (a step of a wide delete). */
export async function deleteCells(
  redis: RedisConnection,
  partition: number,
  tab: string,
  clients: readonly string[],
): Promise<number> {
  const keys = [
    redisKeys.version(partition),
    redisKeys.clients(partition, tab),
    redisKeys.idleSince(partition),
  ];
  for (const client of clients) {
    keys.push(redisKeys.tabsOfClient(partition, client), redisKeys.cell(partition, tab, client));
  }
  return redis.tabaDeleteCellsV1(keys.length, keys, [tab, ...clients]);
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
  argv.push(String(doomed.length));
  for (const key of doomed) argv.push(key);
  argv.push(keys.of(redisKeys.idleSince(partition)));
  return { keys: keys.keys, argv };
}

/** Runs the delete; false when a commit changed the Tabs' clients in between (read again). */
export async function runDelete(
  redis: RedisConnection,
  partition: number,
  tabs: readonly TabToDelete[],
): Promise<boolean> {
  const { keys, argv } = buildDeleteArgs(partition, tabs);
  return (await redis.tabaDeleteTabsV1(keys.length, keys, argv)) === 1;
}

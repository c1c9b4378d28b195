import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@taba/common';
import type { Result } from 'ioredis';

// NOTE: the build copies src/redis/lua to dist/redis/lua (tsc does not copy .lua files).
const COMPACT_SOURCE = readFileSync(new URL('./lua/compact.lua', import.meta.url), 'utf8');
const FORGET_IDLE_SOURCE = readFileSync(new URL('./lua/forget-idle.lua', import.meta.url), 'utf8');
const EXPIRE_IDLE_SOURCE = readFileSync(new URL('./lua/expire-idle.lua', import.meta.url), 'utf8');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tabaCompactV1(
      numberOfKeys: number,
      ...keysAndArgs: (string | Buffer)[]
    ): Result<number, Context>;
    // Arrays, not spread arguments: ioredis flattens them, and a spread outgrows the stack.
    tabaForgetIdleV1(
      numberOfKeys: number,
      keys: readonly string[],
      argv: readonly string[],
    ): Result<number, Context>;
    tabaExpireIdleV1(
      numberOfKeys: number,
      keys: readonly string[],
      argv: readonly (string | Buffer)[],
    ): Result<number, Context>;
  }
}

/** Registers the compaction and pruning scripts on a connection. */
export function definePruneScripts(redis: RedisConnection): void {
  const commands = redis as unknown as Record<string, unknown>;
  if (typeof commands.tabaCompactV1 !== 'function') {
    redis.defineCommand('tabaCompactV1', { lua: COMPACT_SOURCE });
  }
  if (typeof commands.tabaForgetIdleV1 !== 'function') {
    redis.defineCommand('tabaForgetIdleV1', { lua: FORGET_IDLE_SOURCE });
  }
  if (typeof commands.tabaExpireIdleV1 !== 'function') {
    redis.defineCommand('tabaExpireIdleV1', { lua: EXPIRE_IDLE_SOURCE });
  }
}

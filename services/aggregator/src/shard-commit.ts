import type { RedisConnection } from '@taba/common';
import { isTabaError, ResourceExhaustedError, UnavailableError } from '@taba/common';
import type {
  CallCaps,
  CallCreations,
  CellToCompact,
  CommitPart,
  PartOutcome,
} from './redis/commit-args.js';
import { runCommitThenWait } from './redis/commit-script.js';

export interface ShardCommitOptions {
  /** Replicas that must have the commit before it counts (Redis WAIT); 0: do not wait. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
  /** Bytes of records past a cell's base beyond which the cell is named for compaction. */
  readonly cellTailBytes?: number;
  /** Cardinality caps of this call. */
  readonly caps?: CallCaps;
}

/** Redis's refusal of a write over `maxmemory` (with `noeviction`): "OOM command not allowed …". */
export function isRedisOutOfMemory(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('OOM ');
}

/**
 * Runs the commit script for `parts` on one shard (or one Redis Cluster slot) and, when asked,
 * WAITs for replicas in the same pipeline (runCommitThenWait). Redis out of memory is
 * RESOURCE_EXHAUSTED (REDIS_OUT_OF_MEMORY): the script starts with `#!lua`, so nothing was
 * written, and the client backs off. Any other failure, including too few replicas, is
 * UNAVAILABLE: the caller retries, and the high-water marks make the retry harmless whether or
 * not this attempt was applied.
 */
export async function commitToShard(
  connection: RedisConnection,
  parts: readonly CommitPart[],
  nowMs: number,
  options: ShardCommitOptions,
): Promise<{ outcomes: PartOutcome[]; toCompact: CellToCompact[]; created: CallCreations }> {
  try {
    const {
      outcomes,
      toCompact,
      created,
      confirmed = 0,
    } = await runCommitThenWait(connection, parts, nowMs, {
      replicas: options.waitReplicas,
      timeoutMs: options.waitTimeoutMs,
      tailLimit: options.cellTailBytes,
      caps: options.caps,
    });
    if (options.waitReplicas > 0 && confirmed < options.waitReplicas) {
      throw new UnavailableError(
        'REPLICATION_TIMEOUT',
        `${confirmed} of ${options.waitReplicas} replicas confirmed the commit within ${options.waitTimeoutMs} ms (TABA_WAIT_REPLICAS, TABA_WAIT_TIMEOUT_MS)`,
      );
    }
    return { outcomes, toCompact, created };
  } catch (error) {
    if (isTabaError(error)) throw error;
    if (isRedisOutOfMemory(error)) {
      throw new ResourceExhaustedError(
        'REDIS_OUT_OF_MEMORY',
        'a Redis shard refused the commit: it is at its maxmemory (nothing was written); retry with backoff',
        { cause: error },
      );
    }
    throw new UnavailableError(
      'REDIS_UNAVAILABLE',
      `commit to a Redis shard failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

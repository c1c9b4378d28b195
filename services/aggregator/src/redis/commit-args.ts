import type { TabOps } from '@taba/common';
import { ALL_CLIENTS, redisKeys, ScriptKeys } from '@taba/common';

/** One Tab's ops inside a part, with the type spec the Tab must have. */
export interface CommitTab {
  readonly name: string;
  readonly spec: string;
  readonly ops: TabOps;
  /** The ops as JSON, handed to the script as one argument (it decodes them with cjson). */
  readonly opsJson: string | Buffer;
}

/** One client batch's share of one partition. */
export interface CommitPart {
  readonly partition: number;
  readonly client: string;
  /** 0: no sequence (at least once). */
  readonly seq: number;
  readonly tabs: readonly CommitTab[];
}

export interface CommitArgs {
  readonly keys: string[];
  readonly argv: (string | Buffer)[];
}

/**
 * KEYS and ARGV of commit.lua for a list of parts (see the script's header for the
 * layout). Pure: unit-tested without Redis.
 */
export function buildCommitArgs(parts: readonly CommitPart[], nowMs: number): CommitArgs {
  const keys = new ScriptKeys();
  const argv: (string | Buffer)[] = [String(nowMs), String(parts.length)];
  for (const part of parts) {
    const p = part.partition;
    argv.push(
      keys.of(redisKeys.highWaterMarks(p)),
      keys.of(redisKeys.highWaterTimes(p)),
      keys.of(redisKeys.version(p)),
      keys.of(redisKeys.types(p)),
      part.client,
      String(part.seq),
      String(part.tabs.length),
    );
    for (const tab of part.tabs) {
      const { ops } = tab;
      argv.push(
        tab.name,
        tab.spec,
        keys.of(redisKeys.clients(p, tab.name)),
        keys.of(redisKeys.tabsOfClient(p, part.client)),
        keys.of(redisKeys.state(p, tab.name, part.client)),
        keys.of(redisKeys.state(p, tab.name, ALL_CLIENTS)),
        tab.opsJson,
      );
      if (ops.buffer && ops.buffer.entries.length > 0) {
        argv.push(
          keys.of(redisKeys.buffer(p, tab.name, part.client)),
          keys.of(redisKeys.buffer(p, tab.name, ALL_CLIENTS)),
        );
      } else {
        argv.push('0', '0');
      }
      const groups = ops.registers ?? [];
      argv.push(String(groups.length));
      for (const group of groups) {
        argv.push(
          keys.of(redisKeys.registers(p, tab.name, part.client, group.bucket)),
          keys.of(redisKeys.registers(p, tab.name, ALL_CLIENTS, group.bucket)),
        );
      }
    }
  }
  return { keys: keys.keys, argv };
}

/** What happened to one part. */
export interface PartOutcome {
  readonly duplicate: boolean;
  /** Tabs whose stored type differs from the part's: name → stored spec. */
  readonly conflicts: ReadonlyMap<string, string>;
}

/** Reads commit.lua's flat reply back into one outcome per part, in order. */
export function parseCommitReply(reply: unknown, partCount: number): PartOutcome[] {
  if (!Array.isArray(reply)) throw new Error('commit script returned no array');
  const outcomes: PartOutcome[] = [];
  let at = 0;
  for (let part = 0; part < partCount; part += 1) {
    const status = Number(reply[at]);
    const conflictCount = Number(reply[at + 1]);
    at += 2;
    const conflicts = new Map<string, string>();
    for (let c = 0; c < conflictCount; c += 1) {
      conflicts.set(String(reply[at]), String(reply[at + 1]));
      at += 2;
    }
    outcomes.push({ duplicate: status === 1, conflicts });
  }
  return outcomes;
}

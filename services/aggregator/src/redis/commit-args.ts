import { ALL_CLIENTS, cellRecordOf, redisKeys, ScriptKeys } from '@taba/common';
import { groupAllClients } from '../all-clients-merge.js';
import type { LuaPackable } from './lua-pack.js';
import { packForLua } from './lua-pack.js';

/** One Tab's Delta inside a part, with the type spec the Tab must have. */
export interface CommitTab {
  readonly name: string;
  readonly spec: string;
  /** The Delta in its binary form (tab-ops.ts), checked: appended as it is. */
  readonly delta: Uint8Array;
}

/** One client batch's share of one partition. */
export interface CommitPart {
  readonly partition: number;
  readonly client: string;
  /** 0: no sequence (at least once). */
  readonly seq: number;
  /** The sending process's session (EventBatch.session). @default 0 (none) */
  readonly session?: number;
  readonly tabs: readonly CommitTab[];
}

export interface CommitArgs {
  readonly keys: string[];
  readonly argv: (string | Buffer)[];
}

/**
 * KEYS and ARGV of commit.lua for a chunk of parts (see the script's header for the layout).
 * `notFresh`: indexes of the parts believed not fresh (duplicates or refused); the others'
 * Deltas are merged into one all-clients record per (partition, Tab, type). `tailLimit`: bytes of records past a
 * cell's base beyond which the script names the cell for compaction. Pure: unit-tested without
 * Redis.
 */
export function buildCommitArgs(
  parts: readonly CommitPart[],
  nowMs: number,
  notFresh: ReadonlySet<number> = new Set(),
  tailLimit = Number.MAX_SAFE_INTEGER,
): CommitArgs {
  const keys = new ScriptKeys();
  const argv: (string | Buffer)[] = [String(nowMs), String(parts.length), '', String(tailLimit)];
  parts.forEach((part, index) => {
    const p = part.partition;
    const tabs: LuaPackable[] = [keys.indexOf(redisKeys.types(p))];
    const tabsOfClient = keys.indexOf(redisKeys.tabsOfClient(p, part.client));
    for (const tab of part.tabs) {
      tabs.push(
        tab.name,
        tab.spec,
        keys.indexOf(redisKeys.clients(p, tab.name)),
        tabsOfClient,
        keys.onceIndex(redisKeys.cell(p, tab.name, part.client)),
        cellRecordOf(tab.delta),
      );
    }
    argv.push(
      keys.of(redisKeys.highWaterMarks(p)),
      keys.of(redisKeys.highWaterTimes(p)),
      keys.of(redisKeys.version(p)),
      part.client,
      String(part.seq),
      notFresh.has(index) ? '1' : '0',
      packForLua(tabs),
      String(part.session ?? 0),
    );
  });
  const groups: LuaPackable[] = [];
  for (const group of groupAllClients(parts, notFresh)) {
    groups.push(
      keys.indexOf(redisKeys.types(group.partition)),
      group.name,
      group.spec,
      keys.onceIndex(redisKeys.cell(group.partition, group.name, ALL_CLIENTS)),
      cellRecordOf(group.delta),
    );
  }
  argv[2] = packForLua(groups);
  return { keys: keys.keys, argv };
}

/**
 * What the mark check made of a part: applied, a duplicate (its seq is the mark), or refused
 * (a seq below its session's mark, or a session older than the mark's).
 */
export type PartStatus = 'applied' | 'duplicate' | 'SEQ_REGRESSION' | 'SESSION_FENCED';

/** commit.lua's status codes, in order. */
const PART_STATUSES: readonly PartStatus[] = [
  'applied',
  'duplicate',
  'SEQ_REGRESSION',
  'SESSION_FENCED',
];

/** A client's high-water mark on a partition; (0, 0) when it has none. */
export interface Mark {
  readonly session: number;
  readonly seq: number;
}

/** What happened to one part. */
export interface PartOutcome {
  readonly status: PartStatus;
  /** The client's mark on the partition that the part met (left by earlier parts of the call). */
  readonly mark: Mark;
  /** Tabs whose stored type differs from the part's: name → stored spec. */
  readonly conflicts: ReadonlyMap<string, string>;
}

/** A cell the script named for compaction, with its Tab's type spec. */
export interface CellToCompact {
  readonly key: string;
  readonly spec: string;
}

/** commit.lua's reply: outcomes per part, or the parts really not fresh when the flags were wrong. */
export type CommitReply =
  | {
      readonly kind: 'applied';
      readonly outcomes: PartOutcome[];
      readonly toCompact: CellToCompact[];
    }
  | { readonly kind: 'notFresh'; readonly notFresh: ReadonlySet<number> };

/** Reads commit.lua's flat reply back (part indexes 0-based). */
export function parseCommitReply(reply: unknown, partCount: number): CommitReply {
  if (!Array.isArray(reply)) throw new Error('commit script returned no array');
  if (Number(reply[0]) === 1) {
    return {
      kind: 'notFresh',
      notFresh: new Set(reply.slice(1).map(index => Number(index) - 1)),
    };
  }
  const toCompact: CellToCompact[] = [];
  const compactCount = Number(reply[1]);
  let at = 2;
  for (let i = 0; i < compactCount; i += 1) {
    toCompact.push({ key: String(reply[at]), spec: String(reply[at + 1]) });
    at += 2;
  }
  const outcomes: PartOutcome[] = [];
  for (let part = 0; part < partCount; part += 1) {
    const status = PART_STATUSES[Number(reply[at])];
    if (status === undefined) throw new Error(`commit script returned status ${reply[at]}`);
    const mark = { session: Number(reply[at + 1]), seq: Number(reply[at + 2]) };
    const conflictCount = Number(reply[at + 3]);
    at += 4;
    const conflicts = new Map<string, string>();
    for (let c = 0; c < conflictCount; c += 1) {
      conflicts.set(String(reply[at]), String(reply[at + 1]));
      at += 2;
    }
    outcomes.push({ status, mark, conflicts });
  }
  return { kind: 'applied', outcomes, toCompact };
}

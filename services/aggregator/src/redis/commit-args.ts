import type { TabOps } from '@taba/common';
import { ALL_CLIENTS, cellRecord, cellRecordOf, redisKeys, ScriptKeys } from '@taba/common';
import { groupAllClients } from '../all-clients-merge.js';

/** One Tab's ops inside a part, with the type spec the Tab must have. */
export interface CommitTab {
  readonly name: string;
  readonly spec: string;
  readonly ops: TabOps;
  /** The ops in their binary form, when they came that way (appended as they are). */
  readonly encoded?: Uint8Array;
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

const PART_HEADER_ARGS = 7;
const FIXED_ARGS = 4;

/**
 * KEYS and ARGV of commit.lua for a chunk of parts (see the script's header for the layout).
 * `duplicates`: indexes of the parts believed to be duplicates; the others' Deltas are merged
 * into one all-clients record per (partition, Tab, type). `tailLimit`: bytes of records past a
 * cell's base beyond which the script names the cell for compaction. Pure: unit-tested without
 * Redis.
 */
export function buildCommitArgs(
  parts: readonly CommitPart[],
  nowMs: number,
  duplicates: ReadonlySet<number> = new Set(),
  tailLimit = Number.MAX_SAFE_INTEGER,
): CommitArgs {
  const keys = new ScriptKeys();
  const header: (string | Buffer)[] = [String(nowMs), String(parts.length), '', String(tailLimit)];
  const tabsStart = 1 + FIXED_ARGS + parts.length * PART_HEADER_ARGS;
  const body: (string | Buffer)[] = [];
  parts.forEach((part, index) => {
    const p = part.partition;
    header.push(
      keys.of(redisKeys.highWaterMarks(p)),
      keys.of(redisKeys.highWaterTimes(p)),
      keys.of(redisKeys.version(p)),
      part.client,
      String(part.seq),
      duplicates.has(index) ? '1' : '0',
      String(tabsStart + body.length),
    );
    body.push(keys.of(redisKeys.types(p)), String(part.tabs.length));
    for (const tab of part.tabs) {
      body.push(
        tab.name,
        tab.spec,
        keys.of(redisKeys.clients(p, tab.name)),
        keys.of(redisKeys.tabsOfClient(p, part.client)),
        keys.once(redisKeys.cell(p, tab.name, part.client)),
        tab.encoded ? cellRecordOf(tab.encoded) : cellRecord(tab.ops),
      );
    }
  });
  header[2] = String(tabsStart + body.length);
  const groups = groupAllClients(parts, duplicates);
  body.push(String(groups.length));
  for (const group of groups) {
    body.push(
      keys.of(redisKeys.types(group.partition)),
      group.name,
      group.spec,
      keys.once(redisKeys.cell(group.partition, group.name, ALL_CLIENTS)),
      cellRecord(group.ops),
    );
  }
  // No spread: a chunk may hold more arguments than a call's stack takes.
  for (const value of body) header.push(value);
  return { keys: keys.keys, argv: header };
}

/** What happened to one part. */
export interface PartOutcome {
  readonly duplicate: boolean;
  /** Tabs whose stored type differs from the part's: name → stored spec. */
  readonly conflicts: ReadonlyMap<string, string>;
}

/** A cell the script named for compaction, with its Tab's type spec. */
export interface CellToCompact {
  readonly key: string;
  readonly spec: string;
}

/** commit.lua's reply: outcomes per part, or the real duplicates when the flags were wrong. */
export type CommitReply =
  | {
      readonly kind: 'applied';
      readonly outcomes: PartOutcome[];
      readonly toCompact: CellToCompact[];
    }
  | { readonly kind: 'duplicates'; readonly duplicates: ReadonlySet<number> };

/** Reads commit.lua's flat reply back (part indexes 0-based). */
export function parseCommitReply(reply: unknown, partCount: number): CommitReply {
  if (!Array.isArray(reply)) throw new Error('commit script returned no array');
  if (Number(reply[0]) === 1) {
    return {
      kind: 'duplicates',
      duplicates: new Set(reply.slice(1).map(index => Number(index) - 1)),
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
  return { kind: 'applied', outcomes, toCompact };
}

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

/** The cardinality caps of one commit call (see commit.lua's [cardinality] blocks). */
export interface CallCaps {
  /** Tabs the call may create in all; undefined: no cap. */
  readonly newTabs?: number;
  /** Clients a Tab may have; 0: no cap. */
  readonly maxClientsPerTab: number;
  /** Tabs each client may still create; a client not listed has no cap. */
  readonly newTabsOfClient: ReadonlyMap<string, number>;
}

export const NO_CAPS: CallCaps = { maxClientsPerTab: 0, newTabsOfClient: new Map() };

/** The caps as commit.lua's last argument. */
function packCaps(caps: CallCaps): Buffer {
  const values: LuaPackable[] = [
    caps.newTabs === undefined ? 0 : 1,
    Math.max(0, caps.newTabs ?? 0),
    caps.maxClientsPerTab,
  ];
  for (const [client, budget] of caps.newTabsOfClient) values.push(client, Math.max(0, budget));
  return packForLua(values);
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
  caps: CallCaps = NO_CAPS,
): CommitArgs {
  const keys = new ScriptKeys();
  const argv: (string | Buffer)[] = [
    String(nowMs),
    String(parts.length),
    '',
    String(tailLimit),
    '',
  ];
  const headers: LuaPackable[] = [];
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
    headers.push(
      keys.indexOf(redisKeys.highWaterMarks(p)),
      keys.indexOf(redisKeys.highWaterTimes(p)),
      keys.indexOf(redisKeys.version(p)),
      part.client,
      String(part.seq),
      notFresh.has(index) ? 1 : 0,
      String(part.session ?? 0),
    );
    argv.push(packForLua(tabs));
  });
  argv[4] = packForLua(headers);
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
  argv.push(packCaps(caps));
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

/** Which cap refused a new Tab or cell (commit.lua). */
export type CapHit = 'TABS' | 'TABS_PER_CLIENT' | 'CLIENTS_PER_TAB';

/** What happened to one part. */
export interface PartOutcome {
  readonly status: PartStatus;
  /** The client's mark on the partition that the part met (left by earlier parts of the call). */
  readonly mark: Mark;
  /** Tabs whose stored type differs from the part's: name → stored spec. */
  readonly conflicts: ReadonlyMap<string, string>;
  /** Tabs refused because a cardinality cap was reached: name → the cap. */
  readonly refusedTabs?: ReadonlyMap<string, CapHit>;
}

/** What a call created, for the aggregator's counts (cardinality-view.ts). */
export interface CallCreations {
  readonly tabs: number;
  /** Client → cells (Tabs of that client) created. */
  readonly cellsOf: ReadonlyMap<string, number>;
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
      readonly created: CallCreations;
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
  const { created } = parseCardinalityTail(reply, at, outcomes);
  return { kind: 'applied', outcomes, toCompact, created };
}

/** The reply's cardinality tail: refused Tabs (put on their parts' outcomes) and creations. */
function parseCardinalityTail(
  reply: unknown[],
  start: number,
  outcomes: PartOutcome[],
): { created: CallCreations } {
  let at = start;
  const refusedCount = Number(reply[at] ?? 0);
  at += 1;
  for (let r = 0; r < refusedCount; r += 1) {
    const index = Number(reply[at]) - 1;
    const outcome = outcomes[index];
    if (!outcome) throw new Error(`commit script refused a Tab of unknown part ${index + 1}`);
    const refusedTabs = new Map(outcome.refusedTabs);
    refusedTabs.set(String(reply[at + 1]), String(reply[at + 2]) as CapHit);
    outcomes[index] = { ...outcome, refusedTabs };
    at += 3;
  }
  const tabs = Number(reply[at] ?? 0);
  const clientCount = Number(reply[at + 1] ?? 0);
  at += 2;
  const cellsOf = new Map<string, number>();
  for (let c = 0; c < clientCount; c += 1) {
    cellsOf.set(String(reply[at]), Number(reply[at + 1]));
    at += 2;
  }
  return { created: { tabs, cellsOf } };
}

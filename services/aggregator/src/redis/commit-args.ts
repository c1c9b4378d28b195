import type { TabOps } from '@taba/common';
import { ALL_CLIENTS, redisKeys, ScriptKeys } from '@taba/common';
import { Encoder } from '@msgpack/msgpack';
import { groupAllClients } from '../all-clients-merge.js';

/** One Tab's ops inside a part, with the type spec the Tab must have. */
export interface CommitTab {
  readonly name: string;
  readonly spec: string;
  readonly ops: TabOps;
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

// One encoder for every call: it reuses its buffer (commit args are built one call at a time).
const msgpack = new Encoder();

/** A MessagePack array as one script argument (a view, no copy). */
function packed(values: readonly (string | number)[]): Buffer {
  const bytes = msgpack.encode(values);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Appends a State's ops (commit.lua's `body`) for `client`'s State of `tab` in `partition`. */
function pushBody(
  argv: (string | Buffer)[],
  keys: ScriptKeys,
  partition: number,
  tab: string,
  client: string,
  ops: TabOps,
): void {
  argv.push(keys.of(redisKeys.state(partition, tab, client)), packed(ops.hash));
  const entries = ops.buffer?.entries ?? [];
  if (ops.buffer && entries.length > 0) {
    argv.push(
      keys.of(redisKeys.buffer(partition, tab, client)),
      String(ops.buffer.cap),
      packed(entries),
    );
  } else {
    argv.push('0');
  }
  const groups = ops.registers ?? [];
  argv.push(String(groups.length));
  for (const group of groups) {
    argv.push(
      keys.of(redisKeys.registers(partition, tab, client, group.bucket)),
      String(group.expireAtMs),
      packed(group.pairs),
    );
  }
}

/**
 * KEYS and ARGV of commit.lua for a chunk of parts (see the script's header for the layout).
 * `duplicates`: indexes of the parts believed to be duplicates; the others' ops are merged
 * into one all-clients group per (partition, Tab, type). Pure: unit-tested without Redis.
 */
export function buildCommitArgs(
  parts: readonly CommitPart[],
  nowMs: number,
  duplicates: ReadonlySet<number> = new Set(),
): CommitArgs {
  const keys = new ScriptKeys();
  const header: (string | Buffer)[] = [String(nowMs), String(parts.length), ''];
  const tabsStart = 1 + header.length + parts.length * PART_HEADER_ARGS;
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
      );
      pushBody(body, keys, p, tab.name, part.client, tab.ops);
    }
  });
  header[2] = String(tabsStart + body.length);
  const groups = groupAllClients(parts, duplicates);
  body.push(String(groups.length));
  for (const group of groups) {
    body.push(keys.of(redisKeys.types(group.partition)), group.name, group.spec);
    pushBody(body, keys, group.partition, group.name, ALL_CLIENTS, group.ops);
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

/** commit.lua's reply: outcomes per part, or the real duplicates when the flags were wrong. */
export type CommitReply =
  | { readonly kind: 'applied'; readonly outcomes: PartOutcome[] }
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
  const outcomes: PartOutcome[] = [];
  let at = 1;
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
  return { kind: 'applied', outcomes };
}

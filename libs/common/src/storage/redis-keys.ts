/**
 * The one module that names Redis keys. Every key of a partition carries the hash tag
 * `{p<n>}`, so one Lua call can touch all of them and the layout runs unchanged on Redis
 * Cluster. `|` separates name parts: it is not in the Tab/client alphabet, and neither is
 * `#`, which marks the all-clients State.
 */

/** The pseudo client whose State is the merge over every client. */
export const ALL_CLIENTS = '#all';

export const KEY_PREFIX = 'taba';

function tag(partition: number): string {
  return `${KEY_PREFIX}:{p${partition}}`;
}

export const redisKeys = {
  /** Hash: client → highest seq applied in this partition. */
  highWaterMarks: (partition: number) => `${tag(partition)}:hwm`,
  /** Hash: client → epoch ms of its last applied seq (prunes idle marks). */
  highWaterTimes: (partition: number) => `${tag(partition)}:hwmt`,
  /** Integer bumped by every commit that changes the partition. */
  version: (partition: number) => `${tag(partition)}:version`,
  /** Hash: Tab name → type spec (see typeSpec). */
  types: (partition: number) => `${tag(partition)}:types`,
  /** Set: clients that wrote the Tab. */
  clients: (partition: number, tab: string) => `${tag(partition)}:clients|${tab}`,
  /** Set: Tabs the client wrote (in this partition). */
  tabsOfClient: (partition: number, client: string) => `${tag(partition)}:tabs|${client}`,
  /**
   * String: a (Tab, client) State as a cell, a base and the Deltas appended since (cell.ts);
   * ALL_CLIENTS for the merge over every client.
   */
  cell: (partition: number, tab: string, client: string) => `${tag(partition)}:c|${tab}|${client}`,
  /**
   * Hash: `<tab>|<client>` → epoch seconds since which the pruner has found the cell with no
   * records past its base (idle); only kept when idle States expire (TABA_STATE_IDLE_SECONDS).
   */
  idleSince: (partition: number) => `${tag(partition)}:idle`,
  /** Pattern matching every key of a partition (SCAN). */
  partitionPattern: (partition: number) => `${tag(partition)}:*`,
} as const;

/** How a Tab's type is stored: the type, and for histograms its bounds (`HISTOGRAM:1,5,10`). */
export function typeSpec(type: string, bounds?: readonly number[]): string {
  return bounds && bounds.length > 0 ? `${type}:${bounds.join(',')}` : type;
}

export function parseTypeSpec(spec: string): { type: string; bounds: number[] } {
  const colon = spec.indexOf(':');
  if (colon < 0) return { type: spec, bounds: [] };
  return {
    type: spec.slice(0, colon),
    bounds: spec
      .slice(colon + 1)
      .split(',')
      .map(Number),
  };
}

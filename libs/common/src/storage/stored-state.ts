/** What Redis holds for one (Tab, client) State, as the reader fetched it. */
export interface StoredState {
  /** The State hash: field → value. */
  readonly hash: Readonly<Record<string, string>>;
  /** Buffer entries: member → score. */
  readonly buffer: readonly (readonly [member: string, score: number])[];
  /** Unique registers per bucket (`<window>:<bucket>` or `L`): sparse (register → rank) or dense bytes. */
  readonly registers: ReadonlyMap<string, Readonly<Record<string, string>> | Uint8Array>;
}

export const EMPTY_STORED_STATE: StoredState = { hash: {}, buffer: [], registers: new Map() };

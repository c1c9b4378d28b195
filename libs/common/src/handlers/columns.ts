/**
 * The events of one Tab from one client, column by column, as validation leaves them:
 * every timestamp is set and every accepted event is listed in `selection`. Folding
 * walks these arrays, so no object is created per event.
 */
export interface EventColumns {
  /** Epoch seconds, one per event. */
  readonly timestamps: ArrayLike<number>;
  /** Numeric values, one per event; empty when the values are strings. */
  readonly values: ArrayLike<number>;
  /** String values, one per event; empty when the values are numbers. */
  readonly strings: ArrayLike<string>;
  /** Expiries in epoch seconds, one per event; empty when the type has none. */
  readonly expiries: ArrayLike<number>;
  /** Indexes of the events to fold, ascending. */
  readonly selection: ArrayLike<number>;
}

/** The value of event `i`: its string if the column holds strings, else its number. */
export function valueAt(columns: EventColumns, i: number): number | string {
  return columns.strings.length > 0 ? (columns.strings[i] ?? '') : (columns.values[i] ?? 0);
}

/** Builds columns from plain events: for tests, tools and small posts, not the hot path. */
export function columnsOf(
  events: readonly { timestamp: number; value: number | string; expiry?: number }[],
): EventColumns {
  const numeric = events.every(event => typeof event.value === 'number');
  return {
    timestamps: events.map(event => event.timestamp),
    values: numeric ? events.map(event => event.value as number) : [],
    strings: numeric ? [] : events.map(event => String(event.value)),
    expiries: events.some(event => event.expiry !== undefined)
      ? events.map(event => event.expiry ?? 0)
      : [],
    selection: events.map((_, i) => i),
  };
}

/**
 * When an idle (Tab, client) State expires (TABA_STATE_IDLE_SECONDS). The pruner compacts every
 * cell each pass, so a cell found with no records past its base had no commit since the last
 * pass: it is idle since then. The first such pass marks the time; a later pass that still finds
 * it idle once the idle time has passed expires it; a commit in between (records past the base)
 * clears the mark. Pure: unit-tested without Redis.
 */

/** What the pruner does with a cell's idle mark. */
export type IdleStep = 'none' | 'mark' | 'clear' | 'expire';

export function idleStep(
  tailBytes: number,
  idleSince: number | undefined,
  nowSeconds: number,
  idleSeconds: number,
): IdleStep {
  if (idleSeconds <= 0) return 'none';
  if (tailBytes > 0) return idleSince === undefined ? 'none' : 'clear';
  if (idleSince === undefined) return 'mark';
  return nowSeconds - idleSince >= idleSeconds ? 'expire' : 'none';
}

/** The idle hash's field of a cell (`|` is in neither a Tab's nor a client's alphabet). */
export function idleField(tab: string, client: string): string {
  return `${tab}|${client}`;
}

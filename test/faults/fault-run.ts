// One fault under load: senders post, the fault strikes, the senders go on until posting has
// recovered everywhere and a little longer, then flush; every Tab is read back and compared.
import { setTimeout as sleep } from 'node:timers/promises';
import { CountingSenders, readCounts } from '../support/counting-senders.js';
import { pollUntil } from '../support/poll.js';
import type { Stack } from '../support/stack.js';

/** The line each fault prints. */
export interface FaultReport {
  readonly fault: string;
  /** Events the senders had acknowledged (the gateway's `applied`), every one recorded. */
  readonly acknowledged: number;
  /** Events counted in the lifetime counts read back. */
  readonly found: number;
  /** Events counted more than once, over every Tab. */
  readonly duplicates: number;
  /**
   * The longest any sender went without an acknowledged batch from the fault on: how long
   * posting stalled before it recovered.
   */
  readonly recoverySeconds: number;
}

export interface FaultRunOptions {
  /** Load before the fault, ms. @default 3000 */
  readonly warmUpMs?: number;
  /** Load after posting recovered, ms. @default 3000 */
  readonly afterMs?: number;
  /** Longest wait for posting to recover, ms. @default 60000 */
  readonly recoveryTimeoutMs?: number;
}

const SENDER_CLIENTS = 4;
const TABS_PER_CLIENT = 8;
const EVENTS_PER_TAB = 5;
const PAUSE_MS = 25;

/**
 * Runs `inject` while senders post through the gateway and returns (and prints) the fault's
 * figures. Fails with the per-Tab differences when a count is off, or when a sender lost or
 * had refused anything.
 */
export async function runFault(
  stack: Stack,
  fault: string,
  inject: () => Promise<void>,
  options: FaultRunOptions = {},
): Promise<FaultReport> {
  const senders = new CountingSenders({
    address: stack.grpcAddress,
    prefix: `fault-${fault}`,
    clients: SENDER_CLIENTS,
    tabsPerClient: TABS_PER_CLIENT,
    eventsPerTab: EVENTS_PER_TAB,
    pauseMs: PAUSE_MS,
  });
  senders.start();
  let recoverySeconds = Number.NaN;
  try {
    await sleep(options.warmUpMs ?? 3000);
    const faultAt = Date.now();
    await inject();
    const injected = Date.now();
    await pollUntil(() => senders.allAcknowledgedSince(injected) || undefined, {
      what: `posting to recover after ${fault}`,
      timeoutMs: options.recoveryTimeoutMs ?? 60_000,
      intervalMs: 50,
    });
    await sleep(options.afterMs ?? 3000);
    recoverySeconds = senders.longestStallSeconds(faultAt);
  } finally {
    await senders.stop();
  }

  const expected = senders.expectedCounts();
  const found = await readCounts(stack.grpcAddress, `fault-${fault}`);
  let foundTotal = 0;
  let duplicates = 0;
  const differences: string[] = [];
  for (const [tab, want] of Object.entries(expected)) {
    const got = found[tab] ?? 0;
    foundTotal += got;
    if (got > want) duplicates += got - want;
    if (got !== want) differences.push(`${tab}: expected ${want}, found ${got}`);
  }
  const report: FaultReport = {
    fault,
    acknowledged: senders.applied(),
    found: foundTotal,
    duplicates,
    recoverySeconds: Math.round(recoverySeconds * 100) / 100,
  };
  console.log(JSON.stringify(report));
  const losses = senders.losses();
  if (differences.length > 0 || losses.dropped > 0 || losses.rejected > 0) {
    throw new Error(
      `${fault}: counts differ from what was acknowledged (${JSON.stringify(losses)}):\n${differences.join('\n')}`,
    );
  }
  if (report.acknowledged !== senders.recorded()) {
    throw new Error(
      `${fault}: ${senders.recorded()} events recorded but ${report.acknowledged} acknowledged`,
    );
  }
  return report;
}

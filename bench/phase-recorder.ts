// What a load process counts per phase: acknowledgements, their latency and its own CPU.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PhaseReport } from './worker-protocol.js';

/** Epoch ms with sub-ms resolution: phase bounds come from another process's clock. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleepUntil(epochMs: number): Promise<void> {
  const wait = epochMs - nowMs();
  return wait > 0 ? sleep(wait) : Promise.resolve();
}

export class PhaseRecorder {
  private applied = 0;
  private batches = 0;
  private tabs = 0;
  private readonly latenciesMs: number[] = [];
  private cpuFrom: NodeJS.CpuUsage | undefined;
  private cpuMs = 0;

  /**
   * `by: 'ack'`: a batch counts when its answer arrives within [from, to] (throughput of a
   * saturated phase). `by: 'send'`: when it was first sent within it (the half-load phase's
   * batches, answered during its drain too).
   */
  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly by: 'ack' | 'send',
  ) {
    // CPU over exactly [from, to]; timers, so a busy loop delays them only slightly.
    void sleepUntil(from).then(() => {
      this.cpuFrom = process.cpuUsage();
    });
    void sleepUntil(to).then(() => {
      const used = process.cpuUsage(this.cpuFrom);
      this.cpuMs = (used.user + used.system) / 1000;
    });
  }

  ack(sentAt: number, ackAt: number, applied: number, tabs: number): void {
    const at = this.by === 'ack' ? ackAt : sentAt;
    if (at < this.from || at > this.to) return;
    this.applied += applied;
    this.batches += 1;
    this.tabs += tabs;
    this.latenciesMs.push(ackAt - sentAt);
  }

  report(): PhaseReport {
    return {
      applied: this.applied,
      batches: this.batches,
      latenciesMs: this.latenciesMs,
      tabs: this.tabs,
      cpuMs: this.cpuMs,
    };
  }
}

/** Keeps the first few distinct error messages. */
export function noteError(samples: string[], error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (samples.length < 5 && !samples.includes(message)) samples.push(message);
}

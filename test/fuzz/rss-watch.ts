// Peak resident memory of the service processes, per entry point: the kernel's high-water mark
// (VmHWM), reset at the start of each entry point through /proc/<pid>/clear_refs, and VmRSS
// sampled meanwhile in case the reset is not allowed.
import { readFileSync, writeFileSync } from 'node:fs';

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process is gone
  }
}

export class RssWatch {
  private readonly sampledKb = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: readonly number[]) {}

  /** Starts a new window: resets each high-water mark (Linux ≥ 4.0) and samples every 100 ms. */
  start(): void {
    this.sampledKb.clear();
    for (const pid of this.pids) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Not allowed here: the sampled VmRSS still bounds the peak from below.
      }
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Ends the window; answers the peak of each pid, MB. */
  stop(): Map<number, number> {
    clearInterval(this.timer);
    this.sample();
    const peaks = new Map<number, number>();
    for (const pid of this.pids) {
      const kb = Math.max(this.sampledKb.get(pid) ?? 0, statusKb(pid, 'VmHWM'));
      peaks.set(pid, Math.round(kb / 1024));
    }
    return peaks;
  }

  private sample(): void {
    for (const pid of this.pids) {
      this.sampledKb.set(pid, Math.max(this.sampledKb.get(pid) ?? 0, statusKb(pid, 'VmRSS')));
    }
  }
}

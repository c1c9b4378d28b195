// Runs one entry point for its share of the time: `concurrency` inputs in flight, each judged
// by its answer and its latency, every crash and hang saved with the input that caused it.
import { inputRandom } from './byte-mutator.js';
import type { FindingFiles } from './finding-files.js';
import type { EntryPoint, FuzzInput } from './fuzz-input.js';
import type { Answer, Verdict } from './verdicts.js';

export interface RunLimits {
  readonly seed: number;
  readonly hangMs: number;
  readonly concurrency: number;
  /** Stop taking new inputs after this many ms. */
  readonly durationMs: number;
  /** Set when a service process has exited: stop at once. */
  readonly broken: () => string | undefined;
}

export interface EntryCounts {
  readonly entry: string;
  inputs: number;
  crashes: number;
  hangs: number;
  /** How often each answer status came, e.g. `INVALID_ARGUMENT: 9120`. */
  readonly statuses: Map<string, number>;
  /** Crash and hang counts by input shape. */
  readonly failingShapes: Map<string, number>;
  /** The slowest answer, ms, and the shape of its input. */
  slowest: { ms: number; shape: string };
  /** The inputs in flight when the run stopped broken (one of them may be the cause). */
  readonly inFlightAtBreak: number[];
}

/** How long a send may take before the runner stops waiting: it is a hang long before. */
export function sendTimeoutMs(hangMs: number): number {
  return Math.max(5 * hangMs, 2000);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export async function runEntry<I extends FuzzInput>(
  name: string,
  entry: EntryPoint<I>,
  limits: RunLimits,
  findings: FindingFiles,
  report: (line: string) => void,
): Promise<EntryCounts> {
  const counts: EntryCounts = {
    entry: name,
    inputs: 0,
    crashes: 0,
    hangs: 0,
    statuses: new Map(),
    failingShapes: new Map(),
    slowest: { ms: 0, shape: '' },
    inFlightAtBreak: [],
  };
  const stopAt = performance.now() + limits.durationMs;
  const inFlight = new Map<number, I>();
  let next = 0;

  const judge = (index: number, input: I, answer: Answer, latencyMs: number) => {
    counts.inputs += 1;
    bump(counts.statuses, answer.status);
    if (latencyMs > counts.slowest.ms)
      counts.slowest = { ms: Math.round(latencyMs), shape: input.shape };
    const verdict: Verdict =
      answer.verdict === 'crash' ? 'crash' : latencyMs > limits.hangMs ? 'hang' : answer.verdict;
    if (verdict !== 'crash' && verdict !== 'hang') return;
    if (verdict === 'crash') counts.crashes += 1;
    else counts.hangs += 1;
    bump(counts.failingShapes, `${verdict} ${input.shape}`);
    const saved = findings.save({
      seed: limits.seed,
      entry: name,
      index,
      latencyMs: Math.round(latencyMs),
      answer: { ...answer, verdict },
      input,
    });
    if (saved) {
      report(
        `${name} #${index} ${verdict}: ${input.shape} → ${answer.status} in ${Math.round(latencyMs)} ms (${saved})`,
      );
    }
  };

  const worker = async () => {
    while (performance.now() < stopAt && limits.broken() === undefined) {
      const index = next;
      next += 1;
      const input = entry.generate(inputRandom(limits.seed, name, index), index);
      inFlight.set(index, input);
      const started = performance.now();
      const answer = await entry.send(input, sendTimeoutMs(limits.hangMs));
      const latencyMs = answer.latencyMs ?? performance.now() - started;
      inFlight.delete(index);
      if (limits.broken() !== undefined) {
        // The service went away while this input was in flight: it may be the cause.
        counts.inFlightAtBreak.push(index);
        judge(
          index,
          input,
          { status: answer.status, verdict: 'crash', detail: limits.broken() },
          latencyMs,
        );
        continue;
      }
      judge(index, input, answer, latencyMs);
    }
  };
  await Promise.all(Array.from({ length: entry.concurrency ?? limits.concurrency }, worker));
  return counts;
}

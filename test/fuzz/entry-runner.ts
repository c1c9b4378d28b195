// Runs one entry point for its share of the time: `concurrency` inputs in flight, each judged
// by its answer and its latency, every crash and hang saved with the input that caused it.
import { inputRandom } from './byte-mutator.js';
import type { FindingFiles } from './finding-files.js';
import { OwnStalls } from './own-stalls.js';
import type { EntryPoint, FuzzInput, InputMode } from './fuzz-input.js';
import type { Answer, Verdict } from './verdicts.js';

export interface RunLimits {
  readonly seed: number;
  readonly hangMs: number;
  readonly concurrency: number;
  /** Stop taking new inputs after this many ms. */
  readonly durationMs: number;
  /** The share of the duration spent on heavy inputs, one at a time, after the cheap ones. */
  readonly heavyShare: number;
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
  readonly inFlightAtBreak: string[];
  /** Heavy inputs sent (counted in `inputs` too). */
  heavyInputs: number;
  /**
   * The longest this process's own event loop stalled, ms: a latency near it may be the
   * fuzzer's delay rather than the service's.
   */
  ownStallMs: number;
}

/** Deep inputs in flight at once, next to the shallow ones. */
export const DEEP_CONCURRENCY = 4;

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
    heavyInputs: 0,
    ownStallMs: 0,
  };
  /** `ownStallMs`: how long this process stalled while the input was in flight (not counted). */
  const judge = (id: string, input: I, answer: Answer, latencyMs: number, ownStallMs = 0) => {
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
      id,
      latencyMs: Math.round(latencyMs),
      ...(ownStallMs > 0 ? { ownStallMs: Math.round(ownStallMs) } : {}),
      answer: { ...answer, verdict },
      input,
    });
    if (saved) {
      report(
        `${name} #${id} ${verdict}: ${input.shape} → ${answer.status} in ${Math.round(latencyMs)} ms (${saved})`,
      );
    }
  };

  /** Sends inputs of `mode` until `stopAt`, `concurrency` at a time, numbered `<prefix><i>`. */
  const stream = async (mode: InputMode, prefix: string, concurrency: number, stopAt: number) => {
    let next = 0;
    const worker = async () => {
      while (performance.now() < stopAt && limits.broken() === undefined) {
        const id = `${prefix}${next}`;
        next += 1;
        const input = entry.generate(inputRandom(limits.seed, name, id), mode);
        const started = performance.now();
        const stalledBefore = ownStalls.stalledMs();
        const answer = await entry.send(input, sendTimeoutMs(limits.hangMs));
        // A send that times its own answer (from a slow body's last byte) is taken as it is.
        const ownStallMs =
          answer.latencyMs === undefined ? ownStalls.stalledMs() - stalledBefore : 0;
        const latencyMs = answer.latencyMs ?? performance.now() - started - ownStallMs;
        if (mode === 'heavy') counts.heavyInputs += 1;
        const broken = limits.broken();
        if (broken !== undefined) {
          // The service went away while this input was in flight: it may be the cause.
          counts.inFlightAtBreak.push(id);
          judge(id, input, { status: answer.status, verdict: 'crash', detail: broken }, latencyMs);
          continue;
        }
        judge(id, input, answer, latencyMs, ownStallMs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const ownStalls = new OwnStalls();
  const started = performance.now();
  const cheapStop = started + limits.durationMs * (1 - limits.heavyShare);
  // Shallow inputs fill `concurrency` slots; the deep ones, slower, get a few of their own so
  // they neither starve nor hold up the shallow ones.
  await Promise.all([
    stream('shallow', '', limits.concurrency, cheapStop),
    stream('deep', 'd', DEEP_CONCURRENCY, cheapStop),
  ]);
  // The heavy phase gets its share even when the last cheap inputs ran late.
  const heavyMs = limits.durationMs * limits.heavyShare;
  await stream(
    'heavy',
    'h',
    1,
    Math.max(started + limits.durationMs, performance.now() + heavyMs / 2),
  );
  ownStalls.stop();
  counts.ownStallMs = Math.round(ownStalls.longestMs);
  return counts;
}

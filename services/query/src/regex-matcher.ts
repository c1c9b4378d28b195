/**
 * Bounded regular-expression matching. A valid pattern such as `(a+)+$` can backtrack for
 * minutes on the wrong input, and JavaScript cannot interrupt a running RegExp. So every match
 * runs in a `node:worker_threads` worker, and a job that outlives its time limit has its worker
 * terminated (V8 stops the regex engine mid-backtrack) and fails with INVALID_ARGUMENT
 * (REGEX_TOO_SLOW); a fresh worker takes its place. The main thread never runs a pattern.
 *
 * Waiting for a worker is bounded too, from the moment the job is enqueued: a job that cannot
 * start within `queueWaitMs` (or is expected not to, from the recent jobs' run times, or finds
 * `maxQueued` jobs ahead) is refused with RESOURCE_EXHAUSTED (REGEX_BUSY) without running, so a
 * burst of slow patterns delays nobody by more than that. Only while a worker is starting (at
 * start, or in place of a timed-out one) may a job wait longer, for that worker.
 */
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, ResourceExhaustedError, UnavailableError } from '@taba/common';
import { listSome, REGEX_FLAGS } from './selection.js';

/**
 * The worker's code, run with `eval: true` (CommonJS), so that it needs no file of its own next
 * to the build output. Protocol: it posts `{type:'ready'}` once, then answers each job
 * `{patterns, candidates, list}` with `{type:'result', matched}` (indices of the candidates any
 * pattern matches) or `{type:'error', message}`. A job with a `list` id and no candidates
 * matches the candidates last sent with that id: the worker keeps one such list, so the Tab
 * catalogue's names cross the thread once per change, not once per request.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let kept = { list: undefined, candidates: [] };
parentPort.on('message', job => {
  try {
    if (job.candidates && job.list !== undefined) kept = { list: job.list, candidates: job.candidates };
    const candidates = job.candidates || (kept.list === job.list ? kept.candidates : []);
    const regexes = job.patterns.map(pattern => new RegExp(pattern, ${JSON.stringify(REGEX_FLAGS)}));
    const matched = [];
    for (let i = 0; i < candidates.length; i += 1) {
      const candidate = candidates[i];
      for (const regex of regexes) {
        if (regex.test(candidate)) {
          matched.push(i);
          break;
        }
      }
    }
    parentPort.postMessage({ type: 'result', matched });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
  }
});
parentPort.postMessage({ type: 'ready' });
`;

export interface RegexMatcherOptions {
  /** Time limit of one job, from the moment a ready worker receives it, ms. */
  readonly timeoutMs: number;
  /** Workers kept running. @default 2 */
  readonly workers?: number;
  /** Jobs that may wait for a worker; more fail with RESOURCE_EXHAUSTED (REGEX_BUSY). @default 64 */
  readonly maxQueued?: number;
  /**
   * Longest a job may wait for a worker, from its enqueueing, ms; past it (or when the recent
   * run times say it would be) it fails with REGEX_BUSY. @default 100
   */
  readonly queueWaitMs?: number;
  /** Heap of each worker, MiB (candidate lists are copied into it). @default 256 */
  readonly workerHeapMb?: number;
  /** Told about a worker that died on its own (not by a timeout). */
  readonly onWorkerError?: (error: Error) => void;
}

interface Job {
  readonly patterns: readonly string[];
  readonly candidates: readonly string[];
  readonly resolve: (matched: number[]) => void;
  readonly reject: (error: Error) => void;
  /** Refuses the job when it has not started by its deadline. */
  waitTimer: NodeJS.Timeout | undefined;
  /** Waits added for a starting worker. */
  extraWaits: number;
}

interface Slot {
  readonly worker: Worker;
  /** The id of the candidate list the worker keeps. */
  list: number | undefined;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** performance.now() when the job was posted. */
  startedAt: number;
}

/** Further waits of queueWaitMs a job may have while a worker is starting. */
const STARTING_WORKER_WAITS = 3;

/** Weight of the newest run time in the moving average. */
const RUN_TIME_WEIGHT = 0.2;

type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly matched: number[] }
  | { readonly type: 'error'; readonly message: string };

/** A small pool of matching workers with a per-job time limit. */
export class RegexMatcher {
  /** Jobs that hit the time limit. */
  timeouts = 0;
  /** Jobs run by a worker (every outcome). */
  jobs = 0;
  /** Jobs refused with REGEX_BUSY (never run). */
  busy = 0;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private closed = false;
  private readonly size: number;
  /** Moving average of the jobs' run times, ms (a timed-out job counts its time limit). */
  private averageRunMs = 0;
  /** Ids of the candidate lists that are matched again and again (see `keep`). */
  private readonly listIds = new WeakMap<readonly string[], number>();
  private nextListId = 0;

  constructor(private readonly options: RegexMatcherOptions) {
    this.size = Math.max(1, options.workers ?? 2);
    for (let i = 0; i < this.size; i += 1) this.spawn();
  }

  /**
   * Marks a candidate list that will be matched again unchanged (the catalogue's names): each
   * worker is sent it once and keeps it, instead of a copy per job.
   */
  keep(candidates: readonly string[]): void {
    if (!this.listIds.has(candidates)) this.listIds.set(candidates, this.nextListId++);
  }

  /**
   * The candidates that any pattern matches (unanchored, `RegExp.prototype.test`), in their
   * original order. Patterns must have been validated (selection.ts).
   */
  async match(patterns: readonly string[], candidates: readonly string[]): Promise<string[]> {
    if (candidates.length === 0 || patterns.length === 0) return [];
    const matched = await this.run(patterns, candidates);
    return matched.map(i => candidates[i] ?? '');
  }

  private get queueWaitMs(): number {
    return this.options.queueWaitMs ?? 100;
  }

  private run(patterns: readonly string[], candidates: readonly string[]): Promise<number[]> {
    if (this.closed) {
      return Promise.reject(new UnavailableError('SHUTTING_DOWN', 'the query service is stopping'));
    }
    const refusal = this.refusalOnArrival();
    if (refusal) {
      this.busy += 1;
      return Promise.reject(refusal);
    }
    return new Promise<number[]>((resolve, reject) => {
      const job: Job = {
        patterns,
        candidates,
        resolve,
        reject,
        waitTimer: undefined,
        extraWaits: 0,
      };
      this.queue.push(job);
      this.pump();
      if (this.queue.includes(job)) {
        job.waitTimer = setTimeout(() => this.onWaitedTooLong(job), this.queueWaitMs);
      }
    });
  }

  /** Why a new job cannot wait for a worker, if it cannot: too many ahead, or too slow ahead. */
  private refusalOnArrival(): Error | undefined {
    const idle = [...this.slots].some(slot => slot.ready && !slot.job);
    if (idle && this.queue.length === 0) return undefined;
    const maxQueued = this.options.maxQueued ?? 64;
    if (this.queue.length >= maxQueued || this.queueWaitMs <= 0) {
      return new ResourceExhaustedError(
        'REGEX_BUSY',
        `${this.queue.length} pattern matches are waiting for the ${this.size} matching workers (at most ${maxQueued}, TABA_REGEX_MAX_QUEUED); retry with backoff`,
      );
    }
    // Each worker takes the jobs ahead in turn, each about as long as the recent ones.
    const expectedWaitMs = Math.ceil((this.queue.length + 1) / this.size) * this.averageRunMs;
    if (expectedWaitMs <= this.queueWaitMs) return undefined;
    return new ResourceExhaustedError(
      'REGEX_BUSY',
      `the matching workers are busy: ${this.queue.length} matches ahead would take about ${Math.round(expectedWaitMs)} ms, more than the ${this.queueWaitMs} ms a match may wait (TABA_REGEX_QUEUE_WAIT_MS); retry with backoff`,
    );
  }

  private onWaitedTooLong(job: Job): void {
    const at = this.queue.indexOf(job);
    if (at < 0) return;
    // A worker starting (at start, or replacing a timed-out one) takes it soon: wait for it.
    const starting = [...this.slots].some(slot => !slot.ready);
    if (starting && job.extraWaits < STARTING_WORKER_WAITS) {
      job.extraWaits += 1;
      job.waitTimer = setTimeout(() => this.onWaitedTooLong(job), this.queueWaitMs);
      return;
    }
    this.queue.splice(at, 1);
    this.busy += 1;
    job.reject(
      new ResourceExhaustedError(
        'REGEX_BUSY',
        `no matching worker was free within ${this.queueWaitMs} ms (TABA_REGEX_QUEUE_WAIT_MS): slower patterns of other requests hold them; retry with backoff`,
      ),
    );
  }

  private recordRunTime(ms: number): void {
    this.averageRunMs += RUN_TIME_WEIGHT * (ms - this.averageRunMs);
  }

  private spawn(): void {
    if (this.closed) return;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Plain CommonJS: none of the process's loaders (tsx when run from source) or flags.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerHeapMb ?? 256 },
    });
    // An idle worker never keeps the process alive.
    worker.unref();
    const slot: Slot = {
      worker,
      list: undefined,
      ready: false,
      job: undefined,
      timer: undefined,
      startedAt: 0,
    };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', error => this.onDeath(slot, error));
    worker.on('exit', code => this.onDeath(slot, new Error(`regex worker exited with ${code}`)));
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
    } else {
      const job = this.finish(slot);
      if (job && reply.type === 'result') job.resolve(reply.matched);
      else if (job && reply.type === 'error')
        job.reject(new InvalidArgumentError('BAD_REGEX', `a pattern failed: ${reply.message}`));
    }
    this.pump();
  }

  /** Detaches the slot's job and stops its timer. */
  private finish(slot: Slot): Job | undefined {
    const job = slot.job;
    if (job) this.recordRunTime(performance.now() - slot.startedAt);
    slot.job = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    return job;
  }

  /** A worker died without being asked to: fail its job, replace it. */
  private onDeath(slot: Slot, error: Error): void {
    if (!this.slots.delete(slot)) return;
    const job = this.finish(slot);
    if (!this.closed) {
      this.options.onWorkerError?.(error);
      const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      job?.reject(
        outOfMemory
          ? new ResourceExhaustedError(
              'REGEX_OUT_OF_MEMORY',
              `matching ${job.candidates.length} candidates ran out of memory; narrow the filter`,
            )
          : new Error(`regex worker failed: ${error.message}`, { cause: error }),
      );
      this.spawn();
    }
  }

  private onTimeout(slot: Slot): void {
    const job = this.finish(slot);
    this.slots.delete(slot);
    this.timeouts += 1;
    void slot.worker.terminate();
    job?.reject(
      new InvalidArgumentError(
        'REGEX_TOO_SLOW',
        `the patterns ${listSome(
          job.patterns.map(p => JSON.stringify(p)),
          3,
        )} took longer than ${this.options.timeoutMs} ms (TABA_REGEX_TIMEOUT_MS) to match ${job.candidates.length} candidates; simplify them (avoid nested quantifiers such as (a+)+)`,
      ),
    );
    this.spawn();
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      if (job.waitTimer) clearTimeout(job.waitTimer);
      slot.job = job;
      slot.startedAt = performance.now();
      this.jobs += 1;
      slot.timer = setTimeout(() => this.onTimeout(slot), this.options.timeoutMs);
      const list = this.listIds.get(job.candidates);
      if (list !== undefined && slot.list === list) {
        slot.worker.postMessage({ patterns: job.patterns, list });
      } else {
        slot.worker.postMessage({ patterns: job.patterns, candidates: job.candidates, list });
        slot.list = list;
      }
    }
  }

  /** Fails waiting and running jobs and terminates every worker. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopping = new UnavailableError('SHUTTING_DOWN', 'the query service is stopping');
    for (const job of this.queue.splice(0)) {
      if (job.waitTimer) clearTimeout(job.waitTimer);
      job.reject(stopping);
    }
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(
      slots.map(async slot => {
        this.finish(slot)?.reject(stopping);
        await slot.worker.terminate();
      }),
    );
  }
}

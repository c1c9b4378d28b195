// The stack the fuzz run attacks (real redis-server and service child processes, as the
// integration tests start them), watched for exits, and checked between entry points: every
// service answers health and status, and a known-good batch still counts exactly.
import type { InstanceStatus__Output, TabaClient } from '@taba/common';
import { connectTaba, deadlineIn, unary } from '../support/grpc-client.js';
import { createHealthClient } from '../support/grpc-health.js';
import type { ServiceProcess } from '../support/service-process.js';
import type { Stack } from '../support/stack.js';
import { startStack } from '../support/stack.js';

/** Events of the known-good batch: CounterGroup value 1 each, so count = total = this. */
export const CHECK_EVENTS = 100;
const CHECK_TIMEOUT_MS = 5000;
/** How long services may take to catch up after an entry point before the check fails. */
export const CHECK_SETTLE_MS = 15_000;

/** The stack's time bounds for a run whose hang bound is `hangMs` (see FuzzStack.start). */
export function stackTimeBounds(hangMs: number): Record<string, string> {
  const queueMs = String(Math.max(1, Math.round(hangMs / 3)));
  return {
    TABA_INGEST_MAX_QUEUE_MS: queueMs,
    TABA_COMMIT_MAX_QUEUE_MS: queueMs,
    TABA_QUERY_MAX_READ_MS: String(Math.max(1, Math.round(hangMs / 2))),
  };
}

export class FuzzStack {
  private brokenBy: string | undefined;
  private checks = 0;
  private readonly grpc: TabaClient;

  private constructor(readonly stack: Stack) {
    this.grpc = connectTaba(stack.grpcAddress);
    for (const child of this.services()) {
      void child.exited.then(({ code, signal }) => {
        this.brokenBy ??= `${child.service} (pid ${child.pid}) exited with code ${code}, signal ${signal}`;
      });
    }
  }

  /**
   * A stack whose own time bounds fit within `hangMs`: the defaults let a write queue for up to
   * 2 s under load (TABA_INGEST_MAX_QUEUE_MS, TABA_COMMIT_MAX_QUEUE_MS), longer than a hang
   * here, so they are set to a third of it, and a read's expected time to half of it: a slow
   * answer then means a bound did not hold, not that it was set wide.
   */
  static async start(hangMs: number): Promise<FuzzStack> {
    return new FuzzStack(await startStack({ redisShards: 2, env: stackTimeBounds(hangMs) }));
  }

  services(): ServiceProcess[] {
    const { gateway, ingests, queries, aggregators } = this.stack;
    return [gateway, ...ingests, ...queries, ...aggregators];
  }

  /** Why the stack can no longer be trusted (a service exited, a check failed), if it cannot. */
  broken(): string | undefined {
    return this.brokenBy;
  }

  /**
   * Health/Check of every service, GetStatus with no instance in error, then a fresh Tab of
   * CHECK_EVENTS events read back exactly over gRPC and REST. A service still busy with what
   * the entry point left behind gets up to CHECK_SETTLE_MS; past that (or when a service has
   * exited) the stack is marked broken. Answers why, and how long it took to pass.
   */
  async check(): Promise<{ broken: string | undefined; passedAfterMs: number }> {
    const started = performance.now();
    let failure = '';
    while (!this.brokenBy && performance.now() - started < CHECK_SETTLE_MS) {
      try {
        await this.checkOrThrow();
        return { broken: undefined, passedAfterMs: Math.round(performance.now() - started) };
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        await new Promise(wake => setTimeout(wake, 250));
      }
    }
    this.brokenBy ??= `check failed for ${CHECK_SETTLE_MS} ms: ${failure}`;
    return { broken: this.brokenBy, passedAfterMs: Math.round(performance.now() - started) };
  }

  private async checkOrThrow(): Promise<void> {
    if (this.brokenBy) throw new Error(this.brokenBy);
    for (const child of this.services()) {
      const health = createHealthClient(child.address);
      try {
        const serving = await health.check('', CHECK_TIMEOUT_MS);
        if (serving !== 'SERVING') throw new Error(`${child.service} health is ${serving}`);
      } finally {
        health.close();
      }
    }
    const instances = await this.stack.status();
    const failing = instances.filter((each: InstanceStatus__Output) => each.details.error);
    if (instances.length !== this.services().length || failing.length > 0) {
      throw new Error(
        `status: ${JSON.stringify(instances.map(each => [each.service, each.details.error ?? 'ok']))}`,
      );
    }
    this.checks += 1;
    const name = `fuzz.check.${this.checks}`;
    const reply = await unary<{ applied: string | number }>(callback =>
      this.grpc.postEvents(
        {
          clientId: `fuzz-check-${this.checks}`,
          tabs: [
            { name, type: 'COUNTER_GROUP', values: Array.from({ length: CHECK_EVENTS }, () => 1) },
          ],
        },
        { deadline: deadlineIn(CHECK_TIMEOUT_MS) },
        callback,
      ),
    );
    if (Number(reply.applied) !== CHECK_EVENTS)
      throw new Error(`the known-good batch applied ${reply.applied}`);
    const read = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
      this.grpc.getAggregates(
        { filter: { names: [name] } },
        { deadline: deadlineIn(CHECK_TIMEOUT_MS) },
        callback,
      ),
    );
    expectExact('gRPC', read.tabs.length === 1 ? read.tabs[0]?.body : undefined);
    const response = await fetch(`${this.stack.restUrl}/v1/tabs?name=${name}`, {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expectExact('REST', response.status === 200 ? JSON.stringify(body[name]) : undefined);
  }

  /** How many Tabs the store holds (the fuzz inputs add them): what a read of all of them costs. */
  async tabCount(): Promise<number> {
    const reply = await unary<{ names: string[] }>(callback =>
      this.grpc.listNames({}, { deadline: deadlineIn(CHECK_TIMEOUT_MS) }, callback),
    );
    return reply.names.length;
  }

  async stop(): Promise<void> {
    this.grpc.close();
    await this.stack.stop();
  }
}

/** The known-good Tab's render: lifetime and 1m count and total exactly CHECK_EVENTS. */
function expectExact(via: string, body: string | undefined): void {
  const render =
    body === undefined
      ? undefined
      : (JSON.parse(body) as Record<string, { count?: number; total?: number }>);
  for (const window of ['lifetime', '1m']) {
    const figures = render?.[window];
    if (figures?.count !== CHECK_EVENTS || figures.total !== CHECK_EVENTS) {
      throw new Error(
        `the known-good Tab read over ${via} is ${body ?? 'missing'}, not ${CHECK_EVENTS} events`,
      );
    }
  }
}

// What the bench reads back through the gateway: visibility markers and exact counts.
import { connectTaba, deadlineIn, unary } from '../test/support/grpc-client.js';

type TabaGrpc = ReturnType<typeof connectTaba>;
interface RenderedTab {
  readonly name: string;
  readonly type: string;
  readonly body: string;
}

const READ_DEADLINE_MS = 30_000;

export class TabaReads {
  private readonly taba: TabaGrpc;

  constructor(address: string) {
    this.taba = connectTaba(address);
  }

  /** One CounterGroup event of value 1 on `name`. */
  async postMarker(
    name: string,
    clientId: string,
    seq: number,
    deadlineMs = READ_DEADLINE_MS,
  ): Promise<void> {
    await unary(callback =>
      this.taba.postEvents(
        { clientId, seq, tabs: [{ name, type: 'COUNTER_GROUP', values: [1] }] },
        { deadline: deadlineIn(deadlineMs) },
        callback,
      ),
    );
  }

  /** The rendered Tabs `names` selects (a regex when `regex`). */
  async aggregates(
    names: string[],
    regex = false,
    deadlineMs = READ_DEADLINE_MS,
  ): Promise<RenderedTab[]> {
    const reply = await unary<{ tabs: RenderedTab[] }>(callback =>
      this.taba.getAggregates(
        { filter: { names, regex } },
        { deadline: deadlineIn(deadlineMs) },
        callback,
      ),
    );
    return reply.tabs;
  }

  /** The lifetime count of CounterGroup `name` (0 while it does not exist). */
  async lifetimeCount(name: string, deadlineMs = READ_DEADLINE_MS): Promise<number> {
    const [tab] = await this.aggregates([name], false, deadlineMs);
    const render = JSON.parse(tab?.body ?? '{}') as { lifetime?: { count?: number } };
    return render.lifetime?.count ?? 0;
  }

  /**
   * Events counted in the bench Tabs: CounterGroups' lifetime counts, PercentileGroups' 1d
   * counts (their longest window; it holds the whole run). Gauges and Uniques keep no count.
   */
  async countedEvents(deadlineMs = READ_DEADLINE_MS): Promise<number> {
    let counted = 0;
    for (const tab of await this.aggregates(['^bench\\.tab\\.'], true, deadlineMs)) {
      const render = JSON.parse(tab.body) as {
        lifetime?: { count?: number };
        '1d'?: { count?: number };
      };
      if (tab.type === 'COUNTER_GROUP') counted += render.lifetime?.count ?? 0;
      else if (tab.type === 'PERCENTILE_GROUP') counted += render['1d']?.count ?? 0;
    }
    return counted;
  }

  close(): void {
    this.taba.close();
  }
}

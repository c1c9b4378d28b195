// The cluster view: every instance GET /v1/status reports, refreshed every second, with what
// changed in the last minute highlighted (cluster-summary.ts reads the figures).
import { apiGet } from '../api.js';
import type { InstanceSummary } from '../cluster-summary.js';
import { instancesOf, StatusHistory, summarizeInstance } from '../cluster-summary.js';
import type { Child } from '../dom.js';
import { formatNumber, h, replace } from '../dom.js';
import { isAbort, poll } from '../poller.js';
import type { Unmount, ViewContext } from './context.js';

const STATUS_EVERY_MS = 1000;

function pairText(pair: readonly [number, number] | undefined): string {
  return pair === undefined ? '–' : `${formatNumber(pair[0])} / ${formatNumber(pair[1])} ms`;
}

function list(items: readonly Child[]): HTMLElement {
  return items.length === 0
    ? h('span', { class: 'none' }, 'none')
    : h('ul', {}, ...items.map(item => h('li', {}, item)));
}

function instanceRow(summary: InstanceSummary, changed: ReadonlySet<string>): HTMLElement {
  const mark = (keys: readonly string[]) =>
    changed.has('instance') || keys.some(key => changed.has(key)) ? 'changed' : '';
  const cell = (keys: readonly string[], ...content: Child[]) =>
    h('td', { class: mark(keys) }, ...content);
  const refusalKeys = summary.refusals.map(([key]) => key);
  return h(
    'tr',
    { attrs: { 'data-service': summary.service, 'data-instance': summary.key } },
    cell(
      [],
      h('strong', {}, summary.service),
      h('br'),
      summary.instanceId,
      h('br'),
      h('code', {}, summary.address),
    ),
    cell(
      ['health'],
      summary.error === undefined
        ? h('span', { class: 'up' }, 'up')
        : h('span', { class: 'down', attrs: { title: summary.error } }, `down: ${summary.error}`),
    ),
    cell(['partitions.owned'], summary.partitionsOwned ?? '–'),
    cell(
      summary.shards.map(shard => `redis.shard.${shard.index}`),
      list(
        summary.shards.map(shard =>
          h(
            'span',
            { class: shard.healthy ? 'up' : 'down' },
            `${shard.index}: ${shard.description}`,
          ),
        ),
      ),
    ),
    cell(
      ['ingest.events_applied_per_second', 'commit.events_applied_per_second'],
      summary.eventsPerSecond === undefined ? '–' : formatNumber(summary.eventsPerSecond),
    ),
    cell(['ingest.batch_ms_p50', 'ingest.batch_ms_p99'], pairText(summary.batchMs)),
    cell(['commit.lag_ms_p50', 'commit.lag_ms_p99'], pairText(summary.commitLagMs)),
    cell(
      summary.budgets.flatMap(budget => [budget.name, `${budget.name}_refused`]),
      list(
        summary.budgets.map(budget =>
          h(
            'span',
            {
              class:
                changed.has(budget.name) || changed.has(`${budget.name}_refused`) ? 'changed' : '',
            },
            `${budget.name}: ${formatNumber(budget.used)} / ${formatNumber(budget.limit)}`,
            budget.refused ? `, ${formatNumber(budget.refused)} refused` : '',
          ),
        ),
      ),
    ),
    cell(
      refusalKeys,
      list(
        summary.refusals.map(([key, value]) =>
          h('span', { class: changed.has(key) ? 'changed' : '' }, `${key}: ${formatNumber(value)}`),
        ),
      ),
    ),
  );
}

export function mountCluster(root: HTMLElement, context: ViewContext): Unmount {
  const history = new StatusHistory();
  const body = h('tbody');
  const changes = h('section', { class: 'changes', attrs: { 'data-testid': 'changes' } });
  const columns = [
    'instance',
    'health',
    'partitions owned',
    'Redis shards',
    'events/s applied',
    'batch p50 / p99',
    'commit lag p50 / p99',
    'in-flight budgets',
    'drops, refusals, rejections',
  ];
  replace(
    root,
    h('h2', {}, 'Cluster'),
    h('p', { class: 'summary' }, 'Highlighted: changed in the last minute.'),
    h(
      'table',
      { class: 'cluster', attrs: { 'data-testid': 'cluster-table' } },
      h('thead', {}, h('tr', {}, ...columns.map(c => h('th', {}, c)))),
      body,
    ),
    changes,
  );

  async function load(signal: AbortSignal): Promise<void> {
    try {
      const instances = instancesOf(await apiGet('/v1/status', {}, signal));
      const changed = history.record(instances, Date.now());
      const summaries = instances.map(summarizeInstance);
      replace(
        body,
        ...summaries.map(summary => instanceRow(summary, changed.get(summary.key) ?? new Set())),
      );
      const lines = summaries.flatMap(summary => {
        const keys = [...(changed.get(summary.key) ?? [])].sort();
        return keys.length === 0
          ? []
          : [h('li', {}, h('strong', {}, summary.key), ': ', keys.join(', '))];
      });
      replace(
        changes,
        h('h3', {}, 'Changed in the last minute'),
        lines.length === 0 ? h('p', {}, 'nothing') : h('ul', {}, ...lines),
      );
      context.errors.clear('status');
    } catch (error) {
      if (!isAbort(error, signal)) context.errors.report('status', error);
    }
  }

  const stop = poll(load, STATUS_EVERY_MS);
  return stop;
}

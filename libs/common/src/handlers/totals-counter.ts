import type { CountTotal } from './buckets.js';
import { averageOf } from './buckets.js';
import type { EventColumns } from './columns.js';
import type { RenderJson, TabHandler } from './handler.js';

/** TotalsCounter: lifetime count, total and average, float64 (Taba truncated to int). */
export class TotalsCounterHandler implements TabHandler<CountTotal> {
  readonly type = 'TOTALS_COUNTER';
  readonly values = 'number';
  readonly needsExpiry = false;

  create(): CountTotal {
    return { count: 0, total: 0 };
  }

  fold(state: CountTotal, columns: EventColumns): CountTotal {
    const { values, selection } = columns;
    for (let s = 0; s < selection.length; s += 1) {
      state.count += 1;
      state.total += values[selection[s] ?? 0] ?? 0;
    }
    return state;
  }

  merge(into: CountTotal, from: CountTotal): CountTotal {
    into.count += from.count;
    into.total += from.total;
    return into;
  }

  prune(state: CountTotal): boolean {
    return state.count === 0;
  }

  render(state: CountTotal): RenderJson {
    return { count: state.count, total: state.total, average: averageOf(state) };
  }

  renderDetail(state: CountTotal): RenderJson {
    return this.render(state);
  }
}

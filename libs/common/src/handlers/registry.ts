import { BufferHandler } from './buffer.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { CounterGroupHandler } from './counter-group.js';
import { GaugeHandler } from './gauge.js';
import type { AnyTabHandler, HandlerContext, HandlerSettings } from './handler.js';
import { DEFAULT_HANDLER_SETTINGS } from './handler.js';
import { HistogramHandler } from './histogram.js';
import { PercentileGroupHandler } from './percentile-group.js';
import type { TabTypeName } from './tab-types.js';
import { TotalsCounterHandler } from './totals-counter.js';
import { UniqueHandler } from './unique.js';

export type HandlerRegistry = Readonly<Record<TabTypeName, AnyTabHandler>>;

export interface HandlerRegistryOptions {
  /** @default the system clock */
  readonly clock?: Clock;
  readonly settings?: Partial<HandlerSettings>;
}

/** One handler per Tab type, sharing a clock and settings. */
export function createHandlerRegistry(options: HandlerRegistryOptions = {}): HandlerRegistry {
  const context: HandlerContext = {
    clock: options.clock ?? systemClock,
    settings: { ...DEFAULT_HANDLER_SETTINGS, ...options.settings },
  };
  return {
    COUNTER_GROUP: new CounterGroupHandler(context),
    PERCENTILE_GROUP: new PercentileGroupHandler(context),
    TOTALS_COUNTER: new TotalsCounterHandler(),
    GAUGE: new GaugeHandler('GAUGE', context),
    EXPIRY_GAUGE: new GaugeHandler('EXPIRY_GAUGE', context),
    BUFFER: new BufferHandler(context),
    UNIQUE: new UniqueHandler(context),
    HISTOGRAM: new HistogramHandler(context),
  };
}

import type { Counter, Gauge } from 'prom-client';
import * as prom from 'prom-client';
import type { InstanceStatus } from '../generated/taba/v1/InstanceStatus.js';
import { statusSamples } from './status-samples.js';

/** Latency buckets, seconds: 1 ms to 10 s. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** The figures a service shows in GetStatus; `/metrics` reads them at each scrape. */
export type StatusReader = () => InstanceStatus | Promise<InstanceStatus>;

/**
 * One Prometheus registry per process: the process metrics (collectDefaultMetrics), every
 * figure of the service's status read at scrape time (no second bookkeeping), and the latency
 * histograms observed where the latency is measured.
 */
export class ServiceMetrics {
  readonly registry = new prom.Registry();
  private status: StatusReader | undefined;
  private readonly families = new Map<string, Counter | Gauge>();

  constructor() {
    prom.collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Where the status figures come from (the same function GetStatus answers with). */
  useStatus(status: StatusReader): void {
    this.status = status;
  }

  /** A histogram of durations in seconds; the returned function observes one in ms. */
  latencyHistogram(name: string, help: string): (milliseconds: number) => void {
    const histogram = new prom.Histogram({
      name,
      help,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [this.registry],
    });
    return milliseconds => histogram.observe(milliseconds / 1000);
  }

  /** The text exposition: status figures read now, then every family of the registry. */
  async exposition(): Promise<string> {
    if (this.status) this.load(await this.status());
    return this.registry.metrics();
  }

  private load(status: InstanceStatus): void {
    for (const family of this.families.values()) family.reset();
    for (const sample of statusSamples(status)) {
      const family = this.family(sample.name, sample.type, sample.help, Object.keys(sample.labels));
      if (family instanceof prom.Counter) family.inc(sample.labels, Math.max(0, sample.value));
      else family.set(sample.labels, sample.value);
    }
  }

  private family(
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    labelNames: readonly string[],
  ): Counter | Gauge {
    const known = this.families.get(name);
    if (known) return known;
    const options = { name, help, labelNames: [...labelNames], registers: [this.registry] };
    const family = type === 'counter' ? new prom.Counter(options) : new prom.Gauge(options);
    this.families.set(name, family);
    return family;
  }
}

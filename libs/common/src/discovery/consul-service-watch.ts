import type { ConsulApi, ConsulWatch } from './consul-api.js';
import { healthyInstances, retryDelayMs, sameInstances } from './consul-health.js';
import type { ServiceInstance } from './discovery.js';
import { formatGoDuration } from './go-duration.js';

export interface ServiceWatchSettings {
  /** Longest a blocking query is held by Consul, ms. */
  readonly waitMs: number;
  /** First delay before querying again after a failure, ms. */
  readonly retryInitialMs: number;
  /** Longest such delay, ms. */
  readonly retryMaxMs: number;
}

/** What a service watch reports to its owner. */
export interface ServiceWatchHooks {
  /** Consul answered. */
  reachable(): void;
  /** A query failed; the watch queries again on its own after a capped backoff. */
  failed(error: unknown): void;
  /** The healthy instances changed (sorted by id; never called twice with the same list). */
  changed(instances: readonly ServiceInstance[]): void;
}

/**
 * The healthy instances of one service, kept current by blocking queries on
 * `/v1/health/service/<name>?passing=true` through the client's `consul.watch`. On any failure
 * that watch is dropped and, after a capped backoff, a new one starts from index 0: its first
 * answer is immediate, so the state after an outage (or after a Consul restart that lost its
 * index) is read at once instead of after a blocking wait. The last list is kept meanwhile.
 */
export class ConsulServiceWatch {
  private members: readonly ServiceInstance[] = [];
  private active: ConsulWatch | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly consul: ConsulApi,
    readonly service: string,
    private readonly settings: ServiceWatchSettings,
    private readonly hooks: ServiceWatchHooks,
  ) {
    this.start();
  }

  /** The last healthy list Consul gave (empty until the first answer). */
  current(): readonly ServiceInstance[] {
    return this.members;
  }

  /** Ends the blocking query in flight and any pending retry. Idempotent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const active = this.active;
    this.active = undefined;
    active?.end();
  }

  private start(): void {
    if (this.stopped) return;
    const watch = this.consul.watch({
      method: this.consul.health.service,
      options: {
        service: this.service,
        passing: 'true',
        wait: formatGoDuration(this.settings.waitMs),
      },
      // End at the first error: the retry (and its backoff) is ours, from index 0.
      maxAttempts: 0,
    });
    this.active = watch;
    watch.on('change', data => {
      if (this.active !== watch) return;
      this.failures = 0;
      this.hooks.reachable();
      const next = healthyInstances(data);
      if (sameInstances(next, this.members)) return;
      this.members = next;
      this.hooks.changed(next);
    });
    watch.on('error', error => {
      if (this.active !== watch) return;
      this.active = undefined;
      watch.end();
      this.failures += 1;
      this.hooks.failed(error);
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const { retryInitialMs, retryMaxMs } = this.settings;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.start();
      },
      retryDelayMs(this.failures, retryInitialMs, retryMaxMs),
    );
    this.retryTimer.unref();
  }
}

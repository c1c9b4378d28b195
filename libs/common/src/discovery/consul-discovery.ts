import type { Logger } from '../logging/logger.js';
import type { ServiceName } from '../service/base-config.js';
import type { ConsulApi } from './consul-api.js';
import { consulStatusOf, createConsulClient } from './consul-api.js';
import { retryDelayMs, splitHostPort } from './consul-health.js';
import { ConsulServiceWatch } from './consul-service-watch.js';
import type { Discovery, MembershipListener, ServiceInstance } from './discovery.js';
import { formatGoDuration } from './go-duration.js';

export interface ConsulDiscoveryOptions {
  /** Consul's HTTP API, `http(s)://host:port`. @default 'http://127.0.0.1:8500' */
  readonly url?: string;
  /** ACL token sent with every request (`X-Consul-Token`). */
  readonly token?: string;
  /** TTL of this instance's check; it is passed every TTL/3. @default 1500 */
  readonly ttlMs?: number;
  /** Consul deregisters an instance whose check stayed critical this long (minimum 1m in Consul). @default 60000 */
  readonly deregisterAfterMs?: number;
  /** Longest Consul holds a blocking query; changes return at once whatever this is. @default 30000 */
  readonly waitMs?: number;
  /** Bound on each register, pass and deregister request. @default 1000 */
  readonly requestTimeoutMs?: number;
  /** First retry delay after a failed request. @default 200 */
  readonly retryInitialMs?: number;
  /** Cap of the retry delay (doubling from the first). @default 2000 */
  readonly retryMaxMs?: number;
  /** Where outages, re-registrations and listener errors are logged. */
  readonly logger?: Logger;
}

/**
 * The defaults, chosen so that every membership change reaches watchers within 2 s.
 * A join or a graceful leave wakes the blocking queries at once. A killed instance stops
 * passing its check; Consul marks it critical at most one TTL after its last pass, which is
 * at most one TTL after the kill, and the `?passing` watches see that at once: 1.5 s. Passing
 * every 500 ms means three passes in a row must be missed (a 1.5 s stall) before a live
 * instance flaps. `waitMs` only bounds how long an idle query is held (and how long a
 * silently dropped connection goes unnoticed by a watch); 1m is Consul's floor for
 * deregister-after-critical.
 */
export const CONSUL_DISCOVERY_DEFAULTS = {
  url: 'http://127.0.0.1:8500',
  ttlMs: 1500,
  deregisterAfterMs: 60_000,
  waitMs: 30_000,
  requestTimeoutMs: 1000,
  retryInitialMs: 200,
  retryMaxMs: 2000,
} as const;

type Settings = Omit<Required<ConsulDiscoveryOptions>, 'token' | 'logger'>;

interface SelfRegistration {
  readonly service: ServiceName;
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

interface WatchedService {
  readonly watch: ConsulServiceWatch;
  readonly subscriptions: Set<{ readonly listener: MembershipListener }>;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`ConsulDiscovery: ${name} must be a positive number, got ${value}`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a failed pass means Consul no longer has our TTL check: 404 (current Consul:
 * "Unknown check ID"), or the 500 "does not have associated TTL" of older versions.
 */
function isLostCheck(error: unknown): boolean {
  const status = consulStatusOf(error);
  return (
    status === 404 || (status === 500 && /does not have associated TTL/.test(messageOf(error)))
  );
}

/**
 * Discovery through Consul's HTTP API (the `consul` client). `register` announces this
 * instance with a TTL check, passes it every TTL/3 and registers again when Consul has lost it;
 * `watch` follows each service's passing instances with blocking queries. When Consul cannot
 * be reached, everything keeps the last membership seen, retries with a capped backoff, logs
 * once per outage and says so in `describe()`. No error ever leaves a timer.
 */
export class ConsulDiscovery implements Discovery {
  private readonly consul: ConsulApi;
  private readonly settings: Settings;
  private readonly logger: Logger | undefined;
  private readonly watched = new Map<ServiceName, WatchedService>();
  private self: SelfRegistration | undefined;
  private registered = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight: Promise<void> | undefined;
  private heartbeatFailures = 0;
  private everReached = false;
  private unreachableSince: Date | undefined;
  private closing: Promise<void> | undefined;
  private withdrawing: Promise<void> | undefined;

  constructor(options: ConsulDiscoveryOptions = {}) {
    const defaults = CONSUL_DISCOVERY_DEFAULTS;
    this.settings = {
      url: options.url ?? defaults.url,
      ttlMs: positive('ttlMs', options.ttlMs ?? defaults.ttlMs),
      deregisterAfterMs: positive(
        'deregisterAfterMs',
        options.deregisterAfterMs ?? defaults.deregisterAfterMs,
      ),
      waitMs: positive('waitMs', options.waitMs ?? defaults.waitMs),
      requestTimeoutMs: positive(
        'requestTimeoutMs',
        options.requestTimeoutMs ?? defaults.requestTimeoutMs,
      ),
      retryInitialMs: positive('retryInitialMs', options.retryInitialMs ?? defaults.retryInitialMs),
      retryMaxMs: positive('retryMaxMs', options.retryMaxMs ?? defaults.retryMaxMs),
    };
    this.logger = options.logger;
    this.consul = createConsulClient(new URL(this.settings.url), options.token);
  }

  /** How often the TTL check is passed: a third of the TTL. */
  get passIntervalMs(): number {
    return Math.max(1, Math.floor(this.settings.ttlMs / 3));
  }

  instances(service: ServiceName): readonly ServiceInstance[] {
    return this.watchedService(service)?.watch.current() ?? [];
  }

  watch(service: ServiceName, listener: MembershipListener): () => void {
    const watched = this.watchedService(service);
    if (!watched) {
      this.deliver(listener, [], service);
      return () => {};
    }
    const subscription = { listener };
    watched.subscriptions.add(subscription);
    this.deliver(listener, watched.watch.current(), service);
    return () => {
      watched.subscriptions.delete(subscription);
    };
  }

  async register(self: { service: ServiceName; id: string; address: string }): Promise<void> {
    if (this.closing) throw new Error('ConsulDiscovery: register after close');
    if (this.withdrawing) throw new Error('ConsulDiscovery: register after deregister');
    if (this.self) {
      throw new Error(`ConsulDiscovery: already registered as ${this.self.id}`);
    }
    const { host, port } = splitHostPort(self.address);
    this.self = { service: self.service, id: self.id, host, port };
    // The first attempt is awaited so that peers can see us once this resolves; if Consul is
    // down, the heartbeat keeps trying and the service starts anyway.
    await this.beat();
  }

  /** Consul instances are known by their id, whatever their address. */
  idOf(self: { readonly id: string; readonly address: string }): string {
    return self.id;
  }

  /**
   * Stops the heartbeat, waits for a pass in flight, then deregisters; watches keep running.
   * A failed deregistration is logged: the TTL check then expires instead.
   */
  deregister(): Promise<void> {
    this.withdrawing ??= this.withdraw();
    return this.withdrawing;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  describe(): Readonly<Record<string, string>> {
    const details: Record<string, string> = {
      discovery: 'consul',
      consul: this.unreachableSince
        ? `unreachable since ${this.unreachableSince.toISOString()}`
        : this.everReached
          ? 'reachable'
          : 'not contacted yet',
      'consul.url': this.settings.url,
    };
    if (this.self) {
      details['consul.self'] =
        `${this.self.id} ${this.registered ? 'registered' : this.withdrawing ? 'deregistered' : 'not registered'}`;
    }
    for (const [service, watched] of this.watched) {
      details[`members.${service}`] = watched.watch
        .current()
        .map(instance => instance.address)
        .join(',');
    }
    return details;
  }

  /** The watch of `service`, started on first use and kept until close. */
  private watchedService(service: ServiceName): WatchedService | undefined {
    const existing = this.watched.get(service);
    if (existing || this.closing) return existing;
    const subscriptions: WatchedService['subscriptions'] = new Set();
    const watch = new ConsulServiceWatch(this.consul, service, this.settings, {
      reachable: () => this.markReachable(),
      failed: error => this.markUnreachable(error),
      changed: instances => {
        for (const { listener } of [...subscriptions]) this.deliver(listener, instances, service);
      },
    });
    const watched = { watch, subscriptions };
    this.watched.set(service, watched);
    return watched;
  }

  private deliver(
    listener: MembershipListener,
    instances: readonly ServiceInstance[],
    service: ServiceName,
  ): void {
    try {
      listener(instances);
    } catch (error) {
      this.logger?.error({ err: error, watched: service }, 'discovery listener failed');
    }
  }

  /** One heartbeat: register if Consul does not have us, else pass the TTL check. */
  private beat(): Promise<void> {
    const attempt = async (): Promise<void> => {
      try {
        if (this.registered) {
          await this.passCheck();
        } else {
          await this.registerSelf();
        }
        this.heartbeatFailures = 0;
        this.markReachable();
      } catch (error) {
        this.heartbeatFailures += 1;
        this.markUnreachable(error);
      }
    };
    const running = attempt().finally(() => {
      this.heartbeatInFlight = undefined;
      this.scheduleBeat();
    });
    this.heartbeatInFlight = running;
    return running;
  }

  private scheduleBeat(): void {
    if (this.closing || this.withdrawing || !this.self) return;
    const { retryInitialMs, retryMaxMs } = this.settings;
    // Retries never wait longer than a pass interval: when Consul comes back with our check
    // restored at a full TTL, we pass it again well before that TTL runs out (no flap).
    const delay =
      this.heartbeatFailures === 0
        ? this.passIntervalMs
        : Math.min(
            this.passIntervalMs,
            retryDelayMs(this.heartbeatFailures, retryInitialMs, retryMaxMs),
          );
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = undefined;
      void this.beat();
    }, delay);
    this.heartbeatTimer.unref();
  }

  private async registerSelf(): Promise<void> {
    const self = this.self;
    if (!self || this.closing || this.withdrawing) return;
    const { ttlMs, deregisterAfterMs, requestTimeoutMs } = this.settings;
    await this.consul.agent.service.register({
      name: self.service,
      id: self.id,
      address: self.host,
      port: self.port,
      check: {
        ttl: formatGoDuration(ttlMs),
        deregistercriticalserviceafter: formatGoDuration(deregisterAfterMs),
        // Passing from the start: peers may use us now, not one pass later.
        status: 'passing',
      },
      timeout: requestTimeoutMs,
    });
    this.registered = true;
    this.logger?.info(
      { consul: this.settings.url, id: self.id, ttl: formatGoDuration(ttlMs) },
      'registered in consul',
    );
  }

  private async passCheck(): Promise<void> {
    const self = this.self;
    if (!self) return;
    try {
      await this.consul.agent.check.pass({
        id: `service:${self.id}`,
        timeout: this.settings.requestTimeoutMs,
      });
    } catch (error) {
      if (!isLostCheck(error) || this.closing || this.withdrawing) throw error;
      // Consul lost us (it restarted without its data, or reaped us after an outage).
      this.registered = false;
      this.logger?.warn(
        { consul: this.settings.url, id: self.id },
        'consul no longer knows this instance; registering again',
      );
      await this.registerSelf();
    }
  }

  private markReachable(): void {
    this.everReached = true;
    const since = this.unreachableSince;
    if (since === undefined) return;
    this.unreachableSince = undefined;
    this.logger?.info(
      { consul: this.settings.url, unreachableMs: Date.now() - since.getTime() },
      'consul reachable again',
    );
  }

  private markUnreachable(error: unknown): void {
    if (this.closing || this.unreachableSince !== undefined) return;
    this.unreachableSince = new Date();
    this.logger?.warn(
      { consul: this.settings.url, reason: messageOf(error) },
      'consul unreachable; keeping the last known membership and retrying',
    );
  }

  private async shutdown(): Promise<void> {
    for (const { watch } of this.watched.values()) watch.stop();
    await this.deregister();
    this.consul.destroy();
  }

  private async withdraw(): Promise<void> {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    // A heartbeat in flight is bounded by the request timeout; waiting for it keeps a late
    // registration from landing after our deregistration.
    await this.heartbeatInFlight;
    const self = this.self;
    if (self) {
      try {
        await this.consul.agent.service.deregister({
          id: self.id,
          timeout: this.settings.requestTimeoutMs,
        });
        this.registered = false;
      } catch (error) {
        if (consulStatusOf(error) === 404) {
          this.registered = false;
        } else {
          this.logger?.warn(
            { consul: this.settings.url, id: self.id, reason: messageOf(error) },
            'consul deregistration failed; the TTL check will expire instead',
          );
        }
      }
    }
  }
}

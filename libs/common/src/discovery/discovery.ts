import type { ServiceName } from '../service/base-config.js';

/** One reachable instance of a service. */
export interface ServiceInstance {
  /** Unique per instance (the discovery id). */
  readonly id: string;
  /** `host:port` of its gRPC server. */
  readonly address: string;
}

/** Called with the full, current list of healthy instances whenever it changes. */
export type MembershipListener = (instances: readonly ServiceInstance[]) => void;

/**
 * The discovery port: how a service learns the healthy instances of another. Static
 * (from configuration) for one machine and tests; Consul for a cluster. Callers never
 * learn which one they use.
 */
export interface Discovery {
  /** The healthy instances of `service` now (the last known list if the source is down). */
  instances(service: ServiceName): readonly ServiceInstance[];
  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  watch(service: ServiceName, listener: MembershipListener): () => void;
  /** Announces this instance (no-op for static discovery). */
  register(self: { service: ServiceName; id: string; address: string }): Promise<void>;
  /**
   * The id under which peers see an instance registered as `self`: static discovery names
   * instances by address, Consul by id. Compare it, never the address or the configured id,
   * with the ids of `instances()` (e.g. to find the partitions this instance owns).
   */
  idOf(self: { readonly id: string; readonly address: string }): string;
  /**
   * Withdraws this instance, so peers stop sending to it, but keeps watching: a service
   * draining its calls still sees its peers. Idempotent; a no-op for static discovery.
   */
  deregister(): Promise<void>;
  /** Withdraws this instance (if not done yet) and stops watching (idempotent). */
  close(): Promise<void>;
  /** Facts for status: mode, source health. */
  describe(): Readonly<Record<string, string>>;
}

import Consul from 'consul';

/**
 * The few calls of the `consul` npm client that discovery makes, typed as they are really
 * used. The published types mark a check's `name` and `timeout` as required although Consul
 * and the client only need them for script/HTTP checks, and leave out the per-request
 * `timeout` (ms) that the client honours on every call; this port states the truth, and the
 * real client is assignable to it.
 */
export interface ConsulApi {
  readonly agent: {
    readonly service: {
      register(options: ConsulServiceRegistration): Promise<unknown>;
      deregister(options: { readonly id: string; readonly timeout?: number }): Promise<unknown>;
    };
    readonly check: {
      pass(options: {
        readonly id: string;
        readonly note?: string;
        readonly timeout?: number;
      }): Promise<unknown>;
    };
  };
  readonly health: {
    service(options: { readonly service: string; readonly passing?: boolean }): Promise<unknown>;
  };
  watch(options: ConsulWatchOptions): ConsulWatch;
  /** Closes the keep-alive sockets. */
  destroy(): void;
}

/** `agent.service.register` options; the client turns them into Consul's JSON body. */
export interface ConsulServiceRegistration {
  readonly name: string;
  readonly id?: string;
  readonly address?: string;
  readonly port?: number;
  readonly tags?: string[];
  readonly check?: {
    readonly ttl?: string;
    readonly status?: string;
    readonly notes?: string;
    readonly deregistercriticalserviceafter?: string;
  };
  /** Per-request timeout, ms. */
  readonly timeout?: number;
}

export interface ConsulWatchOptions {
  /** The client method to repeat as a blocking query, e.g. `consul.health.service`. */
  readonly method: (...args: never[]) => unknown;
  /** Its options; `wait` is a Go duration. The client adds `index` itself. */
  readonly options: Record<string, string>;
  /** After this many failed attempts the watch ends itself (0: at the first error). */
  readonly maxAttempts?: number;
}

/** A running `consul.watch`: emits `change` (data) and `error`, then `end` once over. */
export interface ConsulWatch {
  on(event: 'change', listener: (data: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  end(): void;
}

/** A `consul` client for `url` (`http(s)://host:port`), sending `token` on every request. */
export function createConsulClient(url: URL, token?: string): ConsulApi {
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  return new Consul({
    // URL keeps an IPv6 host bracketed, which is what the client's `http://host:port` needs.
    host: url.hostname,
    port,
    secure,
    ...(token === undefined ? {} : { defaults: { token } }),
  });
}

/** The HTTP status of a failed client call, when Consul answered at all. */
export function consulStatusOf(error: unknown): number | undefined {
  const response = (error as { response?: { statusCode?: unknown } } | null)?.response;
  return typeof response?.statusCode === 'number' ? response.statusCode : undefined;
}

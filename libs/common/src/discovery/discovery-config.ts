import type { Env } from '../config/env-readers.js';
import {
  ConfigError,
  readChoice,
  readInteger,
  readOptionalString,
  readString,
} from '../config/env-readers.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceName } from '../service/base-config.js';
import { CONSUL_DISCOVERY_DEFAULTS, ConsulDiscovery } from './consul-discovery.js';
import type { Discovery } from './discovery.js';
import { StaticDiscovery } from './static-discovery.js';

export type DiscoveryMode = 'static' | 'consul';

export const DISCOVERY_MODES: readonly DiscoveryMode[] = ['static', 'consul'];

/** How a service finds its peers: read once at start-up from TABA_DISCOVERY and TABA_CONSUL_*. */
export interface DiscoveryConfig {
  /** TABA_DISCOVERY. @default 'static' */
  readonly mode: DiscoveryMode;
  readonly consul: ConsulDiscoveryConfig;
}

export interface ConsulDiscoveryConfig {
  /** TABA_CONSUL_URL: Consul's HTTP API. @default 'http://127.0.0.1:8500' */
  readonly url: string;
  /** TABA_CONSUL_TTL_MS: TTL of each instance's check, passed every third of it. @default 1500 */
  readonly ttlMs: number;
  /** TABA_CONSUL_DEREGISTER_AFTER_MS: Consul drops an instance critical this long. @default 60000 */
  readonly deregisterAfterMs: number;
  /** TABA_CONSUL_WAIT_MS: longest a blocking query is held. @default 30000 */
  readonly waitMs: number;
  /** TABA_CONSUL_TOKEN: ACL token sent with every request. */
  readonly token?: string;
}

function readConsulUrl(env: Env): string {
  const name = 'TABA_CONSUL_URL';
  const text = readString(env, name, CONSUL_DISCOVERY_DEFAULTS.url);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, `must be an http:// or https:// URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http:// or https:// URL, got "${text}"`);
  }
  // The client always talks to `<host>:<port>/v1`: a path or query would be silently ignored.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new ConfigError(name, `must be only scheme, host and port, got "${text}"`);
  }
  return text;
}

export function loadDiscoveryConfig(env: Env): DiscoveryConfig {
  const defaults = CONSUL_DISCOVERY_DEFAULTS;
  const token = readOptionalString(env, 'TABA_CONSUL_TOKEN');
  return Object.freeze({
    mode: readChoice(env, 'TABA_DISCOVERY', DISCOVERY_MODES, 'static'),
    consul: Object.freeze({
      url: readConsulUrl(env),
      ttlMs: readInteger(env, 'TABA_CONSUL_TTL_MS', defaults.ttlMs, {
        min: 300,
        max: 3_600_000,
      }),
      deregisterAfterMs: readInteger(
        env,
        'TABA_CONSUL_DEREGISTER_AFTER_MS',
        defaults.deregisterAfterMs,
        { min: 1000, max: 7 * 24 * 3_600_000 },
      ),
      waitMs: readInteger(env, 'TABA_CONSUL_WAIT_MS', defaults.waitMs, {
        min: 100,
        max: 600_000,
      }),
      ...(token === undefined ? {} : { token }),
    }),
  });
}

/**
 * The Discovery that TABA_DISCOVERY asks for: static over `staticAddresses` (the services'
 * TABA_*_ADDRESSES), or Consul over TABA_CONSUL_*. Fails fast on a malformed variable.
 */
export function discoveryFromEnv(
  env: Env,
  staticAddresses: Partial<Record<ServiceName, readonly string[]>>,
  logger?: Logger,
): Discovery {
  return createDiscovery(loadDiscoveryConfig(env), staticAddresses, logger);
}

/**
 * The Discovery a loaded config asks for: static over `staticAddresses` (the service's
 * TABA_*_ADDRESSES), or Consul (which ignores them).
 */
export function createDiscovery(
  config: DiscoveryConfig,
  staticAddresses: Partial<Record<ServiceName, readonly string[]>>,
  logger?: Logger,
): Discovery {
  if (config.mode === 'static') return new StaticDiscovery(staticAddresses);
  return new ConsulDiscovery({ ...config.consul, ...(logger ? { logger } : {}) });
}

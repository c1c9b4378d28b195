import type { Env, ServiceBaseConfig } from '@taba/common';
import { loadServiceBaseConfig, readAddress } from '@taba/common';

/** Where the REST/JSON bridge listens unless TABA_REST_ADDRESS says otherwise. */
export const DEFAULT_REST_ADDRESS = '127.0.0.1:8300';

/** The gateway's configuration, read once from the environment at start-up and frozen. */
export interface GatewayConfig {
  /**
   * What every service reads the same way: TABA_INSTANCE_ID, TABA_GRPC_ADDRESS,
   * TABA_LOG_LEVEL, TABA_SHUTDOWN_GRACE_MS, TABA_MAX_MESSAGE_BYTES.
   * @default gRPC on '127.0.0.1:8301', log level 'info', 5000 ms grace, 64 MiB messages
   */
  readonly base: ServiceBaseConfig;
  /**
   * `host:port` of the REST/JSON bridge (TABA_REST_ADDRESS). Read and validated now so a
   * typo fails at start-up; nothing listens on it until the bridge exists.
   * @default '127.0.0.1:8300'
   */
  readonly restAddress: string;
}

/** Reads the gateway's configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): GatewayConfig {
  return Object.freeze({
    base: loadServiceBaseConfig(env, 'gateway'),
    restAddress: readAddress(env, 'TABA_REST_ADDRESS', DEFAULT_REST_ADDRESS),
  });
}

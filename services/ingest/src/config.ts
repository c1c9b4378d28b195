import type { Env, ServiceBaseConfig } from '@taba/common';
import { loadServiceBaseConfig } from '@taba/common';

/** The ingest service's configuration, read once from the environment at start-up and frozen. */
export interface IngestConfig {
  /**
   * What every service reads the same way: TABA_INSTANCE_ID, TABA_GRPC_ADDRESS,
   * TABA_LOG_LEVEL, TABA_SHUTDOWN_GRACE_MS, TABA_MAX_MESSAGE_BYTES.
   * @default gRPC on '127.0.0.1:8310', log level 'info', 5000 ms grace, 64 MiB messages
   */
  readonly base: ServiceBaseConfig;
}

/** Reads the ingest service's configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): IngestConfig {
  return Object.freeze({ base: loadServiceBaseConfig(env, 'ingest') });
}

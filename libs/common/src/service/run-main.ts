import type { Env } from '../config/env-readers.js';
import { ConfigError } from '../config/env-readers.js';
import { createLogger } from '../logging/logger.js';
import type { Tracing } from '../telemetry/start-tracing.js';
import { startTracing } from '../telemetry/start-tracing.js';
import type { ServiceBaseConfig, ServiceName } from './base-config.js';
import type { BuiltService, RunningService, ServiceBuildContext } from './run-service.js';
import { installProcessHandlers, startService } from './run-service.js';

/**
 * Exit code of a process started with a configuration that does not parse: 2, the
 * conventional "misused" code, so supervisors can tell it from a crash (1).
 */
export const CONFIG_ERROR_EXIT_CODE = 2;

/** Exit code of a process whose configuration was fine but which could not start (e.g. port taken). */
export const START_FAILURE_EXIT_CODE = 1;

/** What a service's `main.ts` says about itself; everything else is the same for every service. */
export interface ServiceMain<C extends { readonly base: ServiceBaseConfig }> {
  /** Names the service on the config-error line and on every log line. */
  readonly service: ServiceName;
  /** Reads the whole configuration; throws ConfigError for a bad variable. */
  readonly loadConfig: (env: Env) => C;
  /** The service factory, called once by `startService` with the server to add handlers to. */
  readonly build: (config: C, context: ServiceBuildContext) => BuiltService | Promise<BuiltService>;
}

/**
 * The body of every service's `main.ts`: load the config from `env`, start tracing (when an
 * `OTEL_*` exporter is configured), create the logger, start the service and install the
 * signal handlers. Stopping the service flushes the spans still queued.
 *
 * A ConfigError prints one line `<service>: <VARIABLE>: <problem>` to stderr and exits with
 * {@link CONFIG_ERROR_EXIT_CODE}; a failure to start is logged (fatal) and exits with
 * {@link START_FAILURE_EXIT_CODE}. Any other error from `loadConfig` is a bug and is rethrown.
 *
 * @returns the running service (its process handlers are installed; SIGTERM stops it).
 */
export async function runServiceMain<C extends { readonly base: ServiceBaseConfig }>(
  env: Env,
  main: ServiceMain<C>,
): Promise<RunningService> {
  let config: C;
  let tracing: Tracing;
  try {
    config = main.loadConfig(env);
    tracing = await startTracing(env, main.service);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${main.service}: ${error.message}\n`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }

  // No instanceId binding: startService already puts it on 'listening', and pino would
  // write the key twice on that line.
  const logger = createLogger({ service: main.service, level: config.base.logLevel });
  let running: RunningService;
  try {
    running = await startService(config.base, logger, context => main.build(config, context));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${main.service}: ${error.message}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    logger.fatal({ err: error, address: config.base.grpcAddress }, 'failed to start');
    await tracing.shutdown();
    process.exit(START_FAILURE_EXIT_CODE);
  }
  const stop = running.stop;
  const traced: RunningService = {
    ...running,
    stop: async () => {
      await stop();
      await tracing.shutdown();
    },
  };
  installProcessHandlers(traced, logger);
  return traced;
}

import type {
  BuiltService,
  Env,
  RunningService,
  ServiceBaseConfig,
  ServiceBuildContext,
  ServiceName,
} from '@taba/common';
import { createLogger, startService } from '@taba/common';
import { afterEach } from 'vitest';
import type { ServingStatus } from './grpc-health.js';
import { createHealthClient } from './grpc-health.js';
import { pollUntil } from './poll.js';

/** What a service's unit tests start: the same parts its main.ts hands `runServiceMain`. */
export interface InProcessServiceSpec<C extends { readonly base: ServiceBaseConfig }> {
  readonly service: ServiceName;
  readonly loadConfig: (env: Env) => C;
  readonly build: (config: C, context: ServiceBuildContext) => BuiltService | Promise<BuiltService>;
}

/** A service started in the test's own process. */
export interface InProcessService<C> {
  readonly config: C;
  readonly running: RunningService;
}

/**
 * The environment unit tests start services with: a system-chosen loopback port, no logs, a
 * fixed instance id (`<service>-test-1`) and a short grace so a stuck stop fails fast.
 */
export function testEnv(service: ServiceName): Env {
  return {
    TABA_GRPC_ADDRESS: '127.0.0.1:0',
    TABA_METRICS_ADDRESS: '127.0.0.1:0',
    TABA_LOG_LEVEL: 'silent',
    TABA_INSTANCE_ID: `${service}-test-1`,
    TABA_SHUTDOWN_GRACE_MS: '2000',
  };
}

/**
 * Registers an afterEach that runs the returned function's callbacks, last added first:
 * stop servers, close clients. Call once per test file, at the top level.
 */
export function useCleanup(): (cleanup: () => unknown) => void {
  const pending: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of pending.splice(0).reverse()) await cleanup();
  });
  return cleanup => {
    pending.push(cleanup);
  };
}

/**
 * Starts a service with the real `startService` (health, bind, stop order) on 127.0.0.1:0,
 * with `env` on top of {@link testEnv}. The caller stops it (e.g. through `useCleanup`).
 */
export async function startInProcess<C extends { readonly base: ServiceBaseConfig }>(
  spec: InProcessServiceSpec<C>,
  env: Env = {},
): Promise<InProcessService<C>> {
  const config = spec.loadConfig({ ...testEnv(spec.service), ...env });
  const logger = createLogger({ service: spec.service, level: config.base.logLevel });
  const running = await startService(config.base, logger, context => spec.build(config, context));
  return { config, running };
}

/**
 * Stops `running` while a Health/Watch on the whole server ('') is open, and resolves the
 * statuses the watch saw: SERVING then NOT_SERVING for a service that drains properly.
 * The watch is cancelled once NOT_SERVING arrives, since an open stream would hold the
 * drain for the whole grace period.
 */
export async function stopWhileWatchingHealth(
  running: RunningService,
  timeoutMs = 2000,
): Promise<readonly ServingStatus[]> {
  const health = createHealthClient(running.address);
  try {
    const watch = health.watch('');
    await pollUntil(() => watch.statuses.includes('SERVING') || undefined, {
      what: 'Health/Watch to report SERVING',
      timeoutMs,
    });
    const stopped = running.stop();
    await pollUntil(() => watch.statuses.includes('NOT_SERVING') || undefined, {
      what: 'Health/Watch to report NOT_SERVING',
      timeoutMs,
    });
    watch.cancel();
    await stopped;
    const failure = watch.error();
    if (failure) throw new Error(`Health/Watch failed during stop: ${failure.message}`);
    return [...watch.statuses];
  } finally {
    health.close();
  }
}

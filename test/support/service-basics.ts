// What every internal service must do, whatever else it serves: health, GetStatus, a clean stop.
import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output, RunningService, ServiceName } from '@taba/common';
import { TABA_VERSION } from '@taba/common';
import { expect, it } from 'vitest';
import { isAcceptingConnections } from './free-port.js';
import { grpcErrorOf } from './grpc-client.js';
import type { HealthClient } from './grpc-health.js';
import { stopWhileWatchingHealth } from './in-process-service.js';

export interface ServiceBasicsSpec {
  readonly service: ServiceName;
  /** The fully qualified gRPC service, e.g. taba.internal.v1.Query. */
  readonly grpcService: string;
  /** Starts the service in-process (its cleanup registered by the caller). */
  readonly start: () => Promise<RunningService>;
  /** A health client, closed by the caller's cleanup. */
  readonly health: (address: string) => HealthClient;
  /** GetStatus through a real client of the service's own contract. */
  readonly getStatus: (address: string) => Promise<InstanceStatus__Output>;
}

/** Registers the three tests every service's server.test.ts shares; call inside a describe. */
export function itServesTheBasics(spec: ServiceBasicsSpec): void {
  it(`reports SERVING for the whole server and for ${spec.grpcService}`, async () => {
    const running = await spec.start();
    const health = spec.health(running.address);
    expect(await health.check('')).toBe('SERVING');
    expect(await health.check(spec.grpcService)).toBe('SERVING');
  });

  it('GetStatus describes this instance, with its bound address', async () => {
    const before = Date.now() / 1000;
    const running = await spec.start();
    const self = await spec.getStatus(running.address);
    expect(running.address).toBe(`127.0.0.1:${running.port}`);
    expect(self).toMatchObject({
      service: spec.service,
      instanceId: `${spec.service}-test-1`,
      address: running.address,
      version: TABA_VERSION,
    });
    expect(self.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(self.startedAt).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('turns NOT_SERVING first on stop(), then refuses connections', async () => {
    const running = await spec.start();
    expect(await stopWhileWatchingHealth(running)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    const afterStop = await grpcErrorOf(spec.health(running.address).check(''));
    expect(afterStop.code).toBe(status.UNAVAILABLE);
  });
}

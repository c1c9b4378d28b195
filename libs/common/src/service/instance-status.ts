import type { InstanceStatus } from '../generated/taba/v1/InstanceStatus.js';
import type { ServiceBaseConfig } from './base-config.js';

/** The package version every instance reports. */
export const TABA_VERSION = '0.1.0';

/** Facts about one running instance, for GetStatus. */
export function describeInstance(
  config: ServiceBaseConfig,
  address: string,
  startedAtSeconds: number,
  metrics: Readonly<Record<string, number>> = {},
  details: Readonly<Record<string, string>> = {},
): InstanceStatus {
  return {
    service: config.service,
    instanceId: config.instanceId,
    address,
    startedAt: startedAtSeconds,
    version: TABA_VERSION,
    metrics: { ...metrics },
    details: { ...details },
  };
}

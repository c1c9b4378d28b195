import type { InstanceStatus } from '../generated/taba/v1/InstanceStatus.js';
import type { ServiceBaseConfig } from './base-config.js';
import type { TlsConfig } from '../tls/tls-config.js';

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
    details: { ...tlsDetails(config.tls), ...details },
  };
}

/** How this instance serves and dials (`off`, `tls`, or `mtls` with client certificates), never a file's content. */
function tlsDetails(tls: TlsConfig | undefined): Record<string, string> {
  const server = tls?.server === undefined ? 'off' : tls.server.caFile ? 'mtls' : 'tls';
  const client = tls?.client === undefined ? 'off' : tls.client.certFile ? 'mtls' : 'tls';
  return { 'tls.server': server, 'tls.client': client };
}

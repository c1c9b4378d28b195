import type { JsonObject } from './consul-stand-in-shared.js';
import {
  ConsulHttpError,
  field,
  goDurationText,
  isJsonObject,
  optionalDuration,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
} from './consul-stand-in-shared.js';

/**
 * Reading a `PUT /v1/agent/service/register` body as Consul does: its validation messages,
 * its defaults (ID = Name, a TTL check starts critical) and its check ids (`service:<ID>`,
 * numbered `:1`, `:2`, … when the service has several checks).
 */

export type CheckStatus = 'passing' | 'warning' | 'critical';

const STATUSES: ReadonlySet<string> = new Set(['passing', 'warning', 'critical']);

/** Check kinds other than TTL that Consul knows: stored with their initial status, never run. */
const PROBE_FIELDS = ['HTTP', 'TCP', 'UDP', 'GRPC', 'H2PING', 'Args', 'Script'] as const;

export interface ServiceFields {
  readonly id: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly address: string;
  readonly port: number;
}

export interface CheckDefinition {
  readonly id: string;
  readonly name: string;
  readonly notes: string;
  /** `ttl`, or the kind of a check the stand-in never runs (`http`, `tcp`, `alias`, …). */
  readonly type: string;
  /** Set for TTL checks only. */
  readonly ttlMs: number | undefined;
  /** Go duration text, as Consul shows it; empty when not set. */
  readonly interval: string;
  readonly timeout: string;
  readonly initialStatus: CheckStatus;
  /** Already raised to the agent's minimum. */
  readonly deregisterAfterMs: number | undefined;
}

export interface ServiceDefinition {
  readonly service: ServiceFields;
  readonly checks: readonly CheckDefinition[];
}

function invalidCheck(reason: string): ConsulHttpError {
  return new ConsulHttpError(400, `Invalid check: ${reason}`);
}

function readStatus(check: JsonObject, path: string): CheckStatus | undefined {
  const status = optionalString(check, 'Status', path);
  if (status === undefined || status === '') return undefined;
  if (!STATUSES.has(status)) {
    throw new ConsulHttpError(400, "Status for checks must 'passing', 'warning', 'critical'");
  }
  return status as CheckStatus;
}

/** Consul's CheckType.Validate, for the kinds the stand-in can tell apart. */
function readCheckType(
  check: JsonObject,
  path: string,
): Pick<CheckDefinition, 'type' | 'ttlMs' | 'interval' | 'timeout'> {
  const ttlMs = optionalDuration(check, 'TTL', path) ?? 0;
  const intervalMs = optionalDuration(check, 'Interval', path) ?? 0;
  const timeoutMs = optionalDuration(check, 'Timeout', path) ?? 0;
  const probe = PROBE_FIELDS.find(name => {
    const value = field(check, name);
    return value !== undefined && value !== null && value !== '';
  });
  const alias = ['AliasService', 'AliasNode'].some(name => Boolean(field(check, name)));
  if (intervalMs > 0 && ttlMs > 0) throw invalidCheck('Interval and TTL cannot both be specified');
  if (probe && intervalMs <= 0) {
    throw invalidCheck('Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks');
  }
  if (alias && ttlMs > 0) throw invalidCheck('TTL must be not be set for Alias checks');
  if (!probe && !alias && ttlMs <= 0) throw invalidCheck('TTL must be > 0 for TTL checks');
  return {
    type: probe ? probe.toLowerCase() : alias ? 'alias' : 'ttl',
    ttlMs: probe || alias ? undefined : ttlMs,
    interval: intervalMs > 0 ? goDurationText(intervalMs) : '',
    timeout: timeoutMs > 0 ? goDurationText(timeoutMs) : '',
  };
}

/** Consul skips a `Check` whose every field is empty. */
function isEmptyCheck(check: JsonObject): boolean {
  return Object.values(check).every(
    value => value === undefined || value === null || value === '' || value === 0,
  );
}

function isUnspecifiedAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}

function readChecks(body: JsonObject): JsonObject[] {
  const raw: JsonObject[] = [];
  const single = field(body, 'Check');
  if (single !== undefined && single !== null) {
    if (!isJsonObject(single)) throw invalidCheck('Check must be an object');
    if (!isEmptyCheck(single)) raw.push(single);
  }
  const list = field(body, 'Checks');
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list) || !list.every(isJsonObject)) {
      throw invalidCheck('Checks must be a list of objects');
    }
    raw.push(...list);
  }
  return raw;
}

/**
 * The service and checks of a register body; a ConsulHttpError (400, Consul's text) when
 * Consul would refuse it. `deregisterMinimumMs` is the agent's floor for deregister-after.
 */
export function readServiceDefinition(
  body: unknown,
  deregisterMinimumMs: number,
): ServiceDefinition {
  if (!isJsonObject(body)) {
    throw new ConsulHttpError(
      400,
      'Request decode failed: json: cannot unmarshal into Go value of type structs.ServiceDefinition',
    );
  }
  const path = 'ServiceDefinition';
  const name = optionalString(body, 'Name', path) ?? '';
  if (name === '') throw new ConsulHttpError(400, 'Missing service name');
  const address = optionalString(body, 'Address', path) ?? '';
  if (isUnspecifiedAddress(address)) throw new ConsulHttpError(400, 'Invalid service address');
  const id = optionalString(body, 'ID', path) || name;
  const service = {
    id,
    name,
    tags: optionalStringList(body, 'Tags', path),
    meta: optionalStringMap(body, 'Meta', path),
    address,
    port: optionalInteger(body, 'Port', path) ?? 0,
  };

  const raw = readChecks(body);
  const checkPath = `${path}.Checks`;
  const checks = raw.map((check, i): CheckDefinition => {
    const deregisterAfterMs = optionalDuration(check, 'DeregisterCriticalServiceAfter', checkPath);
    return {
      id:
        optionalString(check, 'CheckID', checkPath) ||
        (raw.length > 1 ? `service:${id}:${i + 1}` : `service:${id}`),
      name: optionalString(check, 'Name', checkPath) || `Service '${name}' check`,
      notes: optionalString(check, 'Notes', checkPath) ?? '',
      ...readCheckType(check, checkPath),
      initialStatus: readStatus(check, checkPath) ?? 'critical',
      deregisterAfterMs:
        deregisterAfterMs !== undefined && deregisterAfterMs > 0
          ? Math.max(deregisterAfterMs, deregisterMinimumMs)
          : undefined,
    };
  });
  return { service, checks };
}

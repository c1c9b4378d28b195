import type { CheckDefinition, CheckStatus, ServiceFields } from './consul-stand-in-definition.js';
import { readServiceDefinition } from './consul-stand-in-definition.js';
import type { RaftIndex } from './consul-stand-in-shared.js';
import { ConsulHttpError } from './consul-stand-in-shared.js';

/**
 * The agent and catalog half of the Consul stand-in: one node running one agent that is also
 * the only server. Services with TTL checks, their expiry, the deregister-after-critical
 * reaper, and the per-service indexes that blocking health and catalog queries wait on.
 */

export interface AgentSettings {
  readonly nodeName: string;
  readonly nodeId: string;
  readonly datacenter: string;
  readonly address: string;
  /** Consul's `check_deregister_interval_min`: shorter deregister-after values are raised to it. */
  readonly deregisterMinimumMs: number;
  /** Consul's `check_reap_interval`: how often critical services are looked at. */
  readonly reapIntervalMs: number;
}

interface ServiceRecord extends ServiceFields {
  readonly createIndex: number;
  readonly modifyIndex: number;
}

interface CheckRecord extends CheckDefinition {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly serviceTags: readonly string[];
  status: CheckStatus;
  output: string;
  /** The note of the last pass/warn/fail, quoted when the TTL expires. */
  lastOutput: string;
  /** performance.now() when the check last turned critical. */
  criticalSince: number | undefined;
  createIndex: number;
  modifyIndex: number;
  timer: NodeJS.Timeout | undefined;
}

function sameService(a: ServiceFields, b: ServiceRecord): boolean {
  return (
    a.name === b.name &&
    a.address === b.address &&
    a.port === b.port &&
    JSON.stringify(a.tags) === JSON.stringify(b.tags) &&
    JSON.stringify(a.meta) === JSON.stringify(b.meta)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class StandInAgent {
  private readonly services = new Map<string, ServiceRecord>();
  private readonly checks = new Map<string, CheckRecord>();
  /** The index of the last change to each service name's instances or their checks. */
  private readonly serviceIndexes = new Map<string, number>();
  /** When some service name last lost its last instance (Consul's "extinction" index). */
  private extinctionIndex = 0;
  /** Last change to the set of services (catalog/services). */
  private servicesTableIndex = 1;
  /** Last change to anything in the catalog. */
  private catalogIndex = 1;
  private reaper: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly settings: AgentSettings,
    private readonly raft: RaftIndex,
  ) {}

  /** Starts the TTL timers (from a full TTL, like an agent restoring its checks) and the reaper. */
  resume(): void {
    if (this.running) return;
    this.running = true;
    for (const check of this.checks.values()) this.armTtl(check);
    this.reaper = setInterval(() => this.reap(), this.settings.reapIntervalMs);
    this.reaper.unref();
  }

  /** Stops every timer: while the stand-in is down, no check expires and nothing is reaped. */
  pause(): void {
    this.running = false;
    clearInterval(this.reaper);
    this.reaper = undefined;
    for (const check of this.checks.values()) {
      clearTimeout(check.timer);
      check.timer = undefined;
    }
  }

  // --- writes -------------------------------------------------------------------------------

  /** PUT /v1/agent/service/register */
  register(body: unknown, replaceExistingChecks: boolean): void {
    const definition = readServiceDefinition(body, this.settings.deregisterMinimumMs);
    const { service } = definition;
    let changeIndex: number | undefined;
    const index = () => {
      changeIndex ??= this.raft.next();
      return changeIndex;
    };

    const previous = this.services.get(service.id);
    if (!previous || !sameService(service, previous)) {
      this.services.set(service.id, {
        ...service,
        createIndex: previous?.createIndex ?? index(),
        modifyIndex: index(),
      });
    }

    const kept = new Set(definition.checks.map(check => check.id));
    for (const check of [...this.checks.values()]) {
      if (check.serviceId !== service.id) continue;
      // Consul keeps checks left out of a re-registration unless asked to replace them.
      const stale = replaceExistingChecks || check.serviceName !== service.name;
      if (stale && !kept.has(check.id)) {
        this.removeCheck(check);
        index();
      }
    }
    for (const definitionOfCheck of definition.checks) {
      if (this.putCheck(definitionOfCheck, service, index)) index();
    }

    if (changeIndex !== undefined) {
      this.touchService(service.name, changeIndex, true);
      if (previous && previous.name !== service.name) {
        this.touchService(previous.name, changeIndex, true);
      }
    }
  }

  /** PUT /v1/agent/service/deregister/<id> */
  deregister(id: string): void {
    const service = this.services.get(id);
    if (!service) {
      throw new ConsulHttpError(
        404,
        `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`,
      );
    }
    this.removeService(service);
  }

  /** PUT /v1/agent/check/{pass,warn,fail,update}/<id>: sets the status and resets the TTL. */
  updateCheck(id: string, status: CheckStatus, output: string): void {
    const check = this.checks.get(id);
    if (!check) {
      throw new ConsulHttpError(
        404,
        `Unknown check ID "${id}". Ensure that the check ID is passed, not the check name.`,
      );
    }
    if (check.ttlMs === undefined) {
      throw new ConsulHttpError(500, `CheckID "${id}" does not have associated TTL`);
    }
    check.lastOutput = output;
    this.setStatus(check, status, output);
    this.armTtl(check);
  }

  // --- reads --------------------------------------------------------------------------------

  /** GET /v1/agent/services */
  agentServices(): Record<string, unknown> {
    const view: Record<string, unknown> = {};
    for (const service of this.sortedServices()) {
      view[service.id] = {
        ID: service.id,
        Service: service.name,
        Tags: [...service.tags],
        Meta: { ...service.meta },
        Port: service.port,
        Address: service.address,
        Weights: { Passing: 1, Warning: 1 },
        EnableTagOverride: false,
        Datacenter: this.settings.datacenter,
      };
    }
    return view;
  }

  /** GET /v1/agent/checks */
  agentChecks(): Record<string, unknown> {
    const view: Record<string, unknown> = {};
    for (const check of [...this.checks.values()].sort((a, b) => compareText(a.id, b.id))) {
      view[check.id] = this.checkView(check);
    }
    return view;
  }

  /** GET /v1/health/service/<name> */
  health(
    name: string,
    filter: { readonly passing: boolean; readonly tags: readonly string[] },
  ): { readonly index: number; readonly body: unknown[] } {
    const entries = [];
    for (const service of this.instancesOf(name, filter.tags)) {
      const checks = [this.serfHealth(), ...this.checksOf(service.id).map(c => this.checkView(c))];
      if (filter.passing && checks.some(check => check.Status !== 'passing')) continue;
      entries.push({ Node: this.nodeView(), Service: this.serviceView(service), Checks: checks });
    }
    return { index: this.serviceIndex(name), body: entries };
  }

  /** GET /v1/catalog/services */
  catalogServices(): { readonly index: number; readonly body: Record<string, string[]> } {
    const tagsByName = new Map<string, Set<string>>();
    for (const service of this.sortedServices()) {
      const tags = tagsByName.get(service.name) ?? new Set<string>();
      for (const tag of service.tags) tags.add(tag);
      tagsByName.set(service.name, tags);
    }
    const body: Record<string, string[]> = {};
    for (const name of [...tagsByName.keys()].sort(compareText)) {
      body[name] = [...(tagsByName.get(name) ?? [])];
    }
    return { index: Math.max(1, this.servicesTableIndex), body };
  }

  /** GET /v1/catalog/service/<name> */
  catalogService(
    name: string,
    tags: readonly string[],
  ): { readonly index: number; readonly body: unknown[] } {
    const node = this.nodeView();
    const body = this.instancesOf(name, tags).map(service => ({
      ID: node.ID,
      Node: node.Node,
      Address: node.Address,
      Datacenter: node.Datacenter,
      TaggedAddresses: node.TaggedAddresses,
      NodeMeta: node.Meta,
      ServiceKind: '',
      ServiceID: service.id,
      ServiceName: service.name,
      ServiceTags: [...service.tags],
      ServiceAddress: service.address,
      ServiceWeights: { Passing: 1, Warning: 1 },
      ServiceMeta: { ...service.meta },
      ServicePort: service.port,
      ServiceEnableTagOverride: false,
      CreateIndex: service.createIndex,
      ModifyIndex: service.modifyIndex,
    }));
    return { index: this.serviceIndex(name), body };
  }

  // --- internals ----------------------------------------------------------------------------

  /**
   * The index of a health or catalog query for `name`, as Consul computes it: the last change
   * to that service's instances or checks; for a service with no instance, the last time any
   * service lost its last instance, or else the catalog's index.
   */
  private serviceIndex(name: string): number {
    const exists = [...this.services.values()].some(service => service.name === name);
    if (exists) return this.serviceIndexes.get(name) ?? this.catalogIndex;
    return Math.max(1, this.extinctionIndex > 0 ? this.extinctionIndex : this.catalogIndex);
  }

  private touchService(name: string, index: number, servicesTableChanged: boolean): void {
    this.catalogIndex = index;
    if (servicesTableChanged) this.servicesTableIndex = index;
    const exists = [...this.services.values()].some(service => service.name === name);
    if (exists) {
      this.serviceIndexes.set(name, index);
    } else if (this.serviceIndexes.delete(name)) {
      this.extinctionIndex = index;
    }
  }

  /** Adds or replaces one check; true when anything a reader can see changed. */
  private putCheck(
    definition: CheckDefinition,
    service: ServiceFields,
    index: () => number,
  ): boolean {
    const previous = this.checks.get(definition.id);
    clearTimeout(previous?.timer);
    // Like Consul, a re-registered check keeps the status and output it had.
    const status = previous?.status ?? definition.initialStatus;
    const output = previous?.output ?? '';
    const check: CheckRecord = {
      ...definition,
      serviceId: service.id,
      serviceName: service.name,
      serviceTags: service.tags,
      status,
      output,
      lastOutput: previous?.lastOutput ?? '',
      criticalSince:
        status === 'critical' ? (previous?.criticalSince ?? performance.now()) : undefined,
      createIndex: previous?.createIndex ?? 0,
      modifyIndex: previous?.modifyIndex ?? 0,
      timer: undefined,
    };
    const changed =
      !previous ||
      JSON.stringify(this.checkView(previous)) !== JSON.stringify(this.checkView(check));
    if (changed) {
      check.createIndex = previous?.createIndex ?? index();
      check.modifyIndex = index();
    }
    this.checks.set(check.id, check);
    this.armTtl(check);
    return changed;
  }

  private armTtl(check: CheckRecord): void {
    clearTimeout(check.timer);
    check.timer = undefined;
    if (!this.running || check.ttlMs === undefined) return;
    check.timer = setTimeout(() => {
      check.timer = undefined;
      const last = check.lastOutput;
      this.setStatus(
        check,
        'critical',
        last === '' ? 'TTL expired' : `TTL expired (last output before timeout follows): ${last}`,
      );
    }, check.ttlMs);
    check.timer.unref();
  }

  private setStatus(check: CheckRecord, status: CheckStatus, output: string): void {
    if (status === 'critical') check.criticalSince ??= performance.now();
    else check.criticalSince = undefined;
    if (check.status === status && check.output === output) return;
    const index = this.raft.next();
    check.status = status;
    check.output = output;
    check.modifyIndex = index;
    this.touchService(check.serviceName, index, false);
  }

  /** Consul's reaper: deregisters services whose check stayed critical past its deregister-after. */
  private reap(): void {
    const now = performance.now();
    const reaped = new Set<string>();
    for (const check of [...this.checks.values()]) {
      if (reaped.has(check.serviceId) || check.deregisterAfterMs === undefined) continue;
      if (check.criticalSince === undefined) continue;
      if (now - check.criticalSince <= check.deregisterAfterMs) continue;
      const service = this.services.get(check.serviceId);
      if (!service) continue;
      reaped.add(service.id);
      this.removeService(service);
    }
  }

  private removeService(service: ServiceRecord): void {
    for (const check of this.checksOf(service.id)) this.removeCheck(check);
    this.services.delete(service.id);
    this.touchService(service.name, this.raft.next(), true);
  }

  private removeCheck(check: CheckRecord): void {
    clearTimeout(check.timer);
    check.timer = undefined;
    this.checks.delete(check.id);
  }

  private checksOf(serviceId: string): CheckRecord[] {
    return [...this.checks.values()]
      .filter(check => check.serviceId === serviceId)
      .sort((a, b) => compareText(a.id, b.id));
  }

  private sortedServices(): ServiceRecord[] {
    return [...this.services.values()].sort((a, b) => compareText(a.id, b.id));
  }

  private instancesOf(name: string, tags: readonly string[]): ServiceRecord[] {
    return this.sortedServices().filter(
      service => service.name === name && tags.every(tag => service.tags.includes(tag)),
    );
  }

  private nodeView() {
    const { nodeId, nodeName, address, datacenter } = this.settings;
    return {
      ID: nodeId,
      Node: nodeName,
      Address: address,
      Datacenter: datacenter,
      TaggedAddresses: { lan: address, lan_ipv4: address, wan: address, wan_ipv4: address },
      Meta: { 'consul-network-segment': '' },
      CreateIndex: 1,
      ModifyIndex: 1,
    };
  }

  private serviceView(service: ServiceRecord) {
    return {
      ID: service.id,
      Service: service.name,
      Tags: [...service.tags],
      Address: service.address,
      Meta: { ...service.meta },
      Port: service.port,
      Weights: { Passing: 1, Warning: 1 },
      EnableTagOverride: false,
      CreateIndex: service.createIndex,
      ModifyIndex: service.modifyIndex,
    };
  }

  private checkView(check: CheckRecord) {
    return {
      Node: this.settings.nodeName,
      CheckID: check.id,
      Name: check.name,
      Status: check.status,
      Notes: check.notes,
      Output: check.output,
      ServiceID: check.serviceId,
      ServiceName: check.serviceName,
      ServiceTags: [...check.serviceTags],
      Type: check.type,
      Interval: check.interval,
      Timeout: check.timeout,
      ExposedPort: 0,
      Definition: {},
      CreateIndex: check.createIndex,
      ModifyIndex: check.modifyIndex,
    };
  }

  /** The node's own check, kept by Consul's servers; always passing here. */
  private serfHealth() {
    return {
      Node: this.settings.nodeName,
      CheckID: 'serfHealth',
      Name: 'Serf Health Status',
      Status: 'passing',
      Notes: '',
      Output: 'Agent alive and reachable',
      ServiceID: '',
      ServiceName: '',
      ServiceTags: [],
      Type: '',
      Interval: '',
      Timeout: '',
      ExposedPort: 0,
      Definition: {},
      CreateIndex: 1,
      ModifyIndex: 1,
    };
  }
}

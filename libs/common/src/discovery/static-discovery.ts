import type { ServiceName } from '../service/base-config.js';
import type { Discovery, MembershipListener, ServiceInstance } from './discovery.js';

/**
 * Discovery from configuration: fixed address lists per service. Instance ids are the
 * addresses themselves, so every process derives the same partition owners from the same
 * configuration.
 */
export class StaticDiscovery implements Discovery {
  private readonly members: ReadonlyMap<ServiceName, readonly ServiceInstance[]>;

  constructor(addresses: Partial<Record<ServiceName, readonly string[]>>) {
    const members = new Map<ServiceName, readonly ServiceInstance[]>();
    for (const [service, list] of Object.entries(addresses) as [ServiceName, readonly string[]][]) {
      members.set(
        service,
        [...new Set(list)].map(address => ({ id: address, address })),
      );
    }
    this.members = members;
  }

  instances(service: ServiceName): readonly ServiceInstance[] {
    return this.members.get(service) ?? [];
  }

  watch(service: ServiceName, listener: MembershipListener): () => void {
    listener(this.instances(service));
    return () => {};
  }

  async register(): Promise<void> {}

  /** Static instance ids are addresses: an instance is the address peers are configured with. */
  idOf(self: { readonly id: string; readonly address: string }): string {
    return self.address;
  }

  async deregister(): Promise<void> {}

  async close(): Promise<void> {}

  describe(): Readonly<Record<string, string>> {
    const details: Record<string, string> = { discovery: 'static' };
    for (const [service, list] of this.members) {
      details[`members.${service}`] = list.map(instance => instance.address).join(',');
    }
    return details;
  }
}

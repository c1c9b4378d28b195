import type { Discovery, ServiceInstance } from '../discovery/discovery.js';
import type { PartitionAssignment } from '../hash/rendezvous.js';
import type { ServiceName } from './base-config.js';

/**
 * GetStatus `details` about discovery and partition ownership, the same keys in every
 * service:
 *
 * | key                          | value                                                              |
 * | ---------------------------- | ------------------------------------------------------------------ |
 * | `discovery`                  | `static` or `consul`                                               |
 * | `consul`                     | `reachable`, `unreachable since <ISO time>` or `not contacted yet` |
 * | `consul.url`, `consul.self`  | where Consul is; `<id> registered` (or `not registered`, …)        |
 * | `self.id`, `self.address`    | this instance as discovery publishes it                           |
 * | `members.<service>`          | the instances of a peer service it sees: `id@address,…`            |
 * | `partitions.owners`          | how many aggregators own partitions, as this instance sees them    |
 * | `partitions.owner.<id>`      | how many partitions aggregator `<id>` owns, as this instance sees  |
 * | `partitions.owned`           | (aggregator) how many partitions it owns itself                    |
 * | `partitions.owned.ranges`    | (aggregator) which: `0-3,7,9-12`                                   |
 */

/** Longest `partitions.owned.ranges` value, characters; longer lists end with `…`. */
export const MAX_RANGES_LENGTH = 2048;

/** Instances as `id@address`, or the address alone when it is the id (static discovery). */
export function formatMembers(instances: readonly ServiceInstance[]): string {
  return instances
    .map(instance =>
      instance.id === instance.address ? instance.address : `${instance.id}@${instance.address}`,
    )
    .join(',');
}

/**
 * What discovery shows this instance: its mode and the health of its source, this instance as
 * published (`self.id`, `self.address`), and the members of each peer service it uses.
 */
export function discoveryDetails(
  discovery: Discovery,
  peers: readonly ServiceName[],
  self: { readonly id: string; readonly address: string },
): Record<string, string> {
  const details: Record<string, string> = {
    ...discovery.describe(),
    'self.id': self.id,
    'self.address': self.address,
  };
  for (const service of peers) {
    details[`members.${service}`] = formatMembers(discovery.instances(service));
  }
  return details;
}

/**
 * How many partitions each member of an assignment owns: `partitions.owners` (the member count,
 * 0 without an assignment) and one `partitions.owner.<id>` per member.
 */
export function ownerCountDetails(
  assignment: PartitionAssignment | undefined,
): Record<string, string> {
  if (!assignment) return { 'partitions.owners': '0' };
  const counts = new Array<number>(assignment.members.length).fill(0);
  for (const owner of assignment.toArray()) counts[owner] = (counts[owner] ?? 0) + 1;
  const details: Record<string, string> = {
    'partitions.owners': String(assignment.members.length),
  };
  assignment.members.forEach((member, index) => {
    details[`partitions.owner.${member}`] = String(counts[index] ?? 0);
  });
  return details;
}

/**
 * Ascending partitions as ranges, `0-3,7,9-12`. Past `maxLength` characters the list is cut at
 * a comma and ends with `…`.
 */
export function formatPartitionRanges(
  partitions: readonly number[],
  maxLength = MAX_RANGES_LENGTH,
): string {
  const ranges: string[] = [];
  let length = 0;
  for (let i = 0; i < partitions.length; ) {
    const first = partitions[i] ?? 0;
    let last = first;
    i += 1;
    while (i < partitions.length && partitions[i] === last + 1) {
      last += 1;
      i += 1;
    }
    const range = first === last ? String(first) : `${first}-${last}`;
    length += range.length + (ranges.length > 0 ? 1 : 0);
    if (length > maxLength) {
      ranges.push('…');
      break;
    }
    ranges.push(range);
  }
  return ranges.join(',');
}

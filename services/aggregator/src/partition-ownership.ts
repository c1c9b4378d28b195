import { formatPartitionRanges, ownerCountDetails, PartitionAssignment } from '@taba/common';

/**
 * Who owns which partition as this aggregator sees it: rendezvous over the aggregators
 * discovery reports, rebuilt only when they change. `self` is this instance's discovery id.
 */
export class PartitionOwnership {
  private members: readonly string[] = [];
  private cached: PartitionAssignment | undefined;

  constructor(private readonly partitionCount: number) {}

  update(members: readonly string[]): void {
    this.members = members;
    this.cached = undefined;
  }

  assignment(): PartitionAssignment | undefined {
    if (this.members.length === 0) return undefined;
    this.cached ??= new PartitionAssignment(this.members, this.partitionCount);
    return this.cached;
  }

  /** The partitions `self` owns; all of them while it is not among the members it sees. */
  ownedBy(self: string): number[] {
    const assignment = this.assignment();
    if (!assignment?.members.includes(self)) {
      return Array.from({ length: this.partitionCount }, (_, p) => p);
    }
    return assignment.partitionsOf(self);
  }

  /** Status details: every owner's count, and this instance's own partitions. */
  describe(self: string): Record<string, string> {
    const assignment = this.assignment();
    const owned = this.ownedBy(self);
    const member = assignment?.members.includes(self) ?? false;
    return {
      ...ownerCountDetails(assignment),
      'partitions.owned': String(owned.length),
      'partitions.owned.ranges': formatPartitionRanges(owned),
      'partitions.owned.basis': member
        ? 'its share of the aggregators it sees'
        : 'every partition: not among the aggregators it sees',
    };
  }
}

/**
 * Partition → shard group, computed once per partition. RedisShards answers the same, but
 * through a range check and a ring lookup on every call; a read of every Tab asks it once per
 * State, so the answers are kept in an array. Pure: the lookup is passed in.
 */
export class ShardMap {
  private readonly groups: readonly string[];

  /**
   * @param partitionCount partitions of the cluster (0 … partitionCount − 1)
   * @param shardOf the group (shard, or Redis Cluster partition) that holds a partition
   */
  constructor(partitionCount: number, shardOf: (partition: number) => string) {
    this.groups = Array.from({ length: partitionCount }, (_, partition) => shardOf(partition));
  }

  get partitionCount(): number {
    return this.groups.length;
  }

  /** The group of a partition; RangeError for one the cluster does not have. */
  groupOf(partition: number): string {
    const group = this.groups[partition];
    if (group === undefined) {
      throw new RangeError(`partition ${partition} is not in 0 … ${this.groups.length - 1}`);
    }
    return group;
  }

  /** Items by the group of their partition; groups in first-seen order, items in given order. */
  group<T>(items: readonly T[], partitionOf: (item: T) => number): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const group = this.groupOf(partitionOf(item));
      const list = groups.get(group);
      if (list) list.push(item);
      else groups.set(group, [item]);
    }
    return groups;
  }
}

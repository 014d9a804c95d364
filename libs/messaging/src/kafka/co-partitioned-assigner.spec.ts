import { AssignerProtocol, type Cluster } from 'kafkajs';
import { CoPartitionedAssigner } from './co-partitioned-assigner';

const cluster = (partitions: Record<string, number>) =>
  ({ findTopicPartitionMetadata: (topic: string) => Array.from({ length: partitions[topic]! }, (_, partitionId) => ({ partitionId })) }) as unknown as Cluster;

async function assign(partitions: Record<string, number>, memberIds: string[]) {
  const assigner = CoPartitionedAssigner({ cluster: cluster(partitions), groupId: 'g', logger: undefined as never });
  const result = await assigner.assign({ members: memberIds.map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) })), topics: Object.keys(partitions) });
  return Object.fromEntries(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]));
}

describe('CoPartitionedAssigner', () => {
  it('gives partition n of every topic to the same member, and every partition to someone', async () => {
    const byMember = await assign({ purchases: 4, refunds: 4, interactions: 4 }, ['m-b', 'm-a']);
    expect(byMember).toEqual({
      'm-a': { purchases: [0, 2], refunds: [0, 2], interactions: [0, 2] },
      'm-b': { purchases: [1, 3], refunds: [1, 3], interactions: [1, 3] },
    });
  });

  it('leaves members beyond the partition count idle, and still covers topics with other counts', async () => {
    const byMember = await assign({ purchases: 2, refunds: 3 }, ['a', 'b', 'c']);
    expect(byMember).toEqual({ a: { purchases: [0], refunds: [0] }, b: { purchases: [1], refunds: [1] }, c: { refunds: [2] } });
  });
});

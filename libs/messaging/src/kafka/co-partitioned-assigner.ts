import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Partition n of every topic goes to the same member (members sorted by id, n modulo their count).
 * Producers key every topic by customer id with the same partitioner, so with equal partition
 * counts a customer's purchases, refunds, interactions and registrations all sit in partition n
 * of their topics, and one member at a time handles that customer: ingest processes do not race
 * each other for a stream. Topics with different partition counts still work (optimistic
 * concurrency keeps the store right); they only lose that property.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'LifecycleCoPartitioned',
  version: 1,

  async assign({ members, topics }) {
    const memberIds = members.map((m) => m.memberId).sort();
    const assignment = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const owner = assignment.get(memberIds[partitionId % memberIds.length]!)!;
        (owner[topic] ??= []).push(partitionId);
      }
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: assignment.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },

  protocol({ topics }) {
    return { name: 'LifecycleCoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});

import { encodeReplay, type LoyaltyRules } from '@lifecycle/domain';
import { FoldOnThread } from '../fold-thread/fold-thread';
import type { HeldFold } from '../fold-thread/fold-thread.worker';
import { TIER_TABLE } from '../tier/tier.projection';
import { LoyaltyFold, type LoyaltyFoldOutput, type ReplayTable } from './loyalty-fold';
import { POINTS_TABLE } from './points.projection';

/** A batch as the fold thread takes it: the events, and whether new rows may go in with COPY. */
export interface LoyaltyThreadBatch {
  readonly events: readonly { readonly type: string; readonly data: unknown }[];
  readonly copy: boolean;
}

/** The tables whose fold the thread runs, by name. */
const TABLES: Readonly<Record<string, ReplayTable<unknown>>> = { points: POINTS_TABLE as ReplayTable<unknown>, tier: TIER_TABLE as ReplayTable<unknown> };

/** What the thread's fold starts from: the settings, and the replays folded in the main thread until then, as stored. */
interface LoyaltyStart {
  readonly table: string;
  readonly version: number;
  readonly rules: LoyaltyRules;
  readonly limit: number;
  readonly replays: readonly (readonly [string, string])[];
}

const foldHere = <Row>(fold: LoyaltyFold<Row>, batch: LoyaltyThreadBatch) => {
  // The fold holds every replay: it finds the customers a tick reaches itself.
  const output = fold.apply(batch.events as never, undefined, batch.copy);
  return { output, complete: fold.complete };
};

/** A points or tier build from the start of the log, on the fold thread (a complete fold: it never reads its table). */
export const loyaltyFoldOnThread = <Row>(spec: ReplayTable<Row>, version: number, rules: LoyaltyRules, limit: number): FoldOnThread<LoyaltyFold<Row>, LoyaltyThreadBatch, LoyaltyFoldOutput> =>
  new FoldOnThread('loyalty', `${spec.table}@${version}`, new LoyaltyFold(spec, version, rules, true, limit), {
    fold: foldHere,
    // Replays hold classes (persistent maps): they travel as the table stores them.
    handover: (fold): LoyaltyStart => ({ table: spec.table, version, rules, limit, replays: [...fold.replays].map(([id, replay]) => [id, JSON.stringify(encodeReplay(replay))] as const) }),
  });

/** The thread side (fold-thread.worker.ts). */
export function startLoyaltyFold(start: unknown): HeldFold {
  const s = start as LoyaltyStart;
  const fold = new LoyaltyFold(TABLES[s.table]!, s.version, s.rules, true, s.limit);
  for (const [id, stored] of s.replays) fold.adopt(id, stored);
  return { apply: (batch) => foldHere(fold, batch as unknown as LoyaltyThreadBatch) };
}

import type { EntityManager } from 'typeorm';
import type { RfmDefinition } from '@lifecycle/domain';
import type { RecordedEvent } from '@lifecycle/event-store';
import { copiesFromBlob, copyRows, type ProjectionDefinition, ProjectionEventError } from '@lifecycle/read-store';
import { RfmPurchase, RfmRefund, RfmSnapshot, RfmSnapshotTaken, RfmVersion } from './rfm.entity';
import { Rfm1767225602000 } from './rfm.migrations';
import { factOf, midnightPassed, type PurchaseFactRow, RFM, RFM_HANDLES, type RfmEvent, type RefundFactRow } from './rfm.projection';
import { INVALIDATE_RFM_SNAPSHOTS, LOCK_RFM_SNAPSHOTS, scoringParameters, TAKE_RFM_SNAPSHOT } from './rfm.scoring.sql';

export const rfmReadModel = {
  entities: [RfmPurchase, RfmRefund, RfmVersion, RfmSnapshot, RfmSnapshotTaken],
  migrations: [Rfm1767225602000],
};

/**
 * One version of the RFM projection. A batch stores the purchase and refund facts (one insert per
 * kind), drops the snapshots those facts change, and, when a clock tick passes midnight UTC, takes
 * the day's snapshot from the facts stored so far. The version's rules are stored with it, so that
 * the queries score with the rules the version was built with.
 */
export function rfmProjection(definition: RfmDefinition): ProjectionDefinition {
  return {
    name: RFM,
    version: definition.version,
    handles: RFM_HANDLES,

    async applyBatch(events: readonly RecordedEvent[], { manager, version, memory }) {
      // The version row once per memory; its last tick read once, then kept (see ProjectionMemory).
      const remembered = memory.slot('rfm', (): Remembered => ({
        versionStored: false,
        lastTick: undefined,
        orders: memory.fromStart && copiesFromBlob(manager) ? new Set() : null,
      }));
      if (!remembered.versionStored) {
        await manager.query(
          `INSERT INTO rfm_version (projection_version, definition) VALUES ($1, $2) ON CONFLICT (projection_version) DO NOTHING`,
          [version, JSON.stringify(definition)],
        );
      }
      let purchases: PurchaseFactRow[] = [];
      let refunds: RefundFactRow[] = [];
      let lastTick = remembered.lastTick; // undefined: not read yet
      let tickMoved = false;

      const flush = async () => {
        if (purchases.length + refunds.length === 0) return;
        await storeFacts(manager, version, purchases, refunds, definition.windowDays, remembered);
        purchases = [];
        refunds = [];
      };

      for (const event of events) {
        const e = event as unknown as RfmEvent;
        try {
          if (e.type === 'ClockTicked') {
            if (lastTick === undefined) lastTick = await readLastTick(manager, version);
            const midnight = midnightPassed(lastTick, e.data.at);
            if (lastTick === null || e.data.at > lastTick) {
              lastTick = e.data.at;
              tickMoved = true;
            }
            if (midnight !== null) {
              await flush();
              await manager.query(LOCK_RFM_SNAPSHOTS, [version]);
              await manager.query(TAKE_RFM_SNAPSHOT, [...scoringParameters(version, midnight, definition), 'clock']);
            }
            continue;
          }
          const fact = factOf(e);
          if (fact?.kind === 'purchase') purchases.push(fact.row);
          else if (fact?.kind === 'refund') refunds.push(fact.row);
        } catch (error) {
          throw new ProjectionEventError(RFM, event, error);
        }
      }
      await flush();
      if (tickMoved) await manager.query(`UPDATE rfm_version SET last_tick_at = $2 WHERE projection_version = $1`, [version, lastTick]);
      remembered.versionStored = true;
      remembered.lastTick = lastTick === undefined || lastTick === null ? lastTick : new Date(lastTick).toISOString();
    },

    async clearVersion(manager: EntityManager, version: number) {
      for (const table of ['rfm_snapshot', 'rfm_snapshot_taken', 'rfm_purchase', 'rfm_refund', 'rfm_version']) {
        await manager.query(`DELETE FROM ${table} WHERE projection_version = $1`, [version]);
      }
    },
  };
}

interface Remembered {
  versionStored: boolean;
  /** The last tick as stored; undefined: not read yet. */
  lastTick: string | null | undefined;
  /**
   * Every purchase this version holds, as customer and order (built from the start here, up to
   * MAX_REMEMBERED_ORDERS), so that a batch of purchases none of which is stored can be copied in;
   * null when that cannot be vouched for, or where COPY is not taken: then the insert that skips
   * stored ones is used.
   */
  orders: Set<string> | null;
}

const MAX_REMEMBERED_ORDERS = 2_000_000;

async function readLastTick(manager: EntityManager, version: number): Promise<string | null> {
  const rows: { last_tick_at: Date | string | null }[] = await manager.query(`SELECT last_tick_at FROM rfm_version WHERE projection_version = $1`, [version]);
  const at = rows[0]?.last_tick_at ?? null;
  return at === null ? null : new Date(at).toISOString();
}

async function storeFacts(
  manager: EntityManager,
  version: number,
  purchases: readonly PurchaseFactRow[],
  refunds: readonly RefundFactRow[],
  windowDays: number,
  remembered: Remembered,
): Promise<void> {
  // A second copy of an upstream fact never reaches the log (event ids derive from upstream ids);
  // DO NOTHING only keeps a replayed batch harmless. Where the memory shows that none of these is
  // stored, COPY takes them instead (on PGlite about a third of the insert's time).
  const { orders } = remembered;
  const keys = orders === null ? [] : purchases.map((p) => `${p.customerId}\u0000${p.orderId}`);
  const fresh = orders !== null && new Set(keys).size === keys.length && !keys.some((key) => orders.has(key));
  if (fresh) {
    await copyRows(manager, 'rfm_purchase', ['customer_id', 'order_id', 'projection_version', 'occurred_at', 'amount'], purchases.map((p) => [p.customerId, p.orderId, version, p.occurredAt, p.amount]));
  } else if (purchases.length > 0) {
    await manager.query(
      `INSERT INTO rfm_purchase (customer_id, order_id, projection_version, occurred_at, amount)
       SELECT c, o, $1, t, a FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::bigint[]) AS u(c, o, t, a)
       ON CONFLICT DO NOTHING`,
      [version, purchases.map((p) => p.customerId), purchases.map((p) => p.orderId), purchases.map((p) => p.occurredAt), purchases.map((p) => p.amount)],
    );
  }
  if (orders !== null) {
    for (const key of keys) orders.add(key);
    if (orders.size > MAX_REMEMBERED_ORDERS) remembered.orders = null;
  }
  if (refunds.length > 0) {
    await manager.query(
      `INSERT INTO rfm_refund (customer_id, refund_id, projection_version, order_id, occurred_at, amount)
       SELECT c, r, $1, o, t, a FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[]) AS u(c, r, o, t, a)
       ON CONFLICT DO NOTHING`,
      [version, refunds.map((x) => x.customerId), refunds.map((x) => x.refundId), refunds.map((x) => x.orderId), refunds.map((x) => x.occurredAt), refunds.map((x) => x.amount)],
    );
  }
  const times = [...purchases, ...refunds].map((f) => f.occurredAt).sort();
  await manager.query(LOCK_RFM_SNAPSHOTS, [version]);
  await manager.query(INVALIDATE_RFM_SNAPSHOTS, [version, times[0], times[times.length - 1], windowDays]);
}

import { EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import { LifecycleClockEntity, LifecycleStateEntity } from './lifecycle.entity';
import { Lifecycle1767225605000, LifecycleTransitionsInState1767225605100 } from './lifecycle.migrations';

describe('lifecycle migration: transitions into the state row', () => {
  it('moves stored transitions into each customer row, and the view gives back the rows the table had', async () => {
    const db = await EmbeddedDatabase.open();
    try {
      const before = await openEmbeddedReadStore(db, { entities: [LifecycleStateEntity, LifecycleClockEntity], migrations: [Lifecycle1767225605000] });
      await before.query(`INSERT INTO lifecycle_state (projection_version, customer_id, stage, transition_count, facts)
        VALUES (1, 'c-1', 'dormant', 3, '{}'), (2, 'c-1', 'active', 2, '{}'), (1, 'c-2', null, 0, '{}')`);
      await before.query(`INSERT INTO lifecycle_transitions (projection_version, customer_id, seq, from_stage, to_stage, at, cause) VALUES
        (1, 'c-1', 2, 'new', 'active', '1997-02-01T00:00:00Z', 'time'),
        (1, 'c-1', 1, null, 'new', '1997-01-01T00:00:00Z', 'purchase'),
        (1, 'c-1', 3, 'active', 'dormant', '1997-05-02T10:30:00.125+02:00', 'time'),
        (2, 'c-1', 1, null, 'new', '1997-01-01T00:00:00Z', 'purchase'),
        (2, 'c-1', 2, 'new', 'active', '1997-03-01T00:00:00Z', 'time')`);
      const table = await before.query(`SELECT projection_version, customer_id, seq, from_stage, to_stage, at, cause FROM lifecycle_transitions ORDER BY 1, 2, 3`);
      await before.destroy();

      const after = await openEmbeddedReadStore(db, {
        entities: [LifecycleStateEntity, LifecycleClockEntity],
        migrations: [Lifecycle1767225605000, LifecycleTransitionsInState1767225605100],
      });
      expect(await after.query(`SELECT projection_version, customer_id, seq, from_stage, to_stage, at, cause FROM lifecycle_transitions ORDER BY 1, 2, 3`)).toEqual(table);
      const rows = (await after.query(`SELECT projection_version, customer_id, transitions FROM lifecycle_state ORDER BY 1, 2`)) as unknown[];
      expect(rows).toEqual([
        { projection_version: 1, customer_id: 'c-1', transitions: [
          { seq: 1, from: null, to: 'new', at: '1997-01-01T00:00:00.000Z', cause: 'purchase' },
          { seq: 2, from: 'new', to: 'active', at: '1997-02-01T00:00:00.000Z', cause: 'time' },
          { seq: 3, from: 'active', to: 'dormant', at: '1997-05-02T08:30:00.125Z', cause: 'time' },
        ] },
        { projection_version: 1, customer_id: 'c-2', transitions: [] },
        { projection_version: 2, customer_id: 'c-1', transitions: [
          { seq: 1, from: null, to: 'new', at: '1997-01-01T00:00:00.000Z', cause: 'purchase' },
          { seq: 2, from: 'new', to: 'active', at: '1997-03-01T00:00:00.000Z', cause: 'time' },
        ] },
      ]);
      await after.destroy();
    } finally {
      await db.close();
    }
  });
});

// Rows of the `alerts` table: one row per condition episode (opened when it starts alerting,
// cleared_at set when it clears). The admin page and /api list them; ops/alerts.ts writes them.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Store } from './open.js';
import { alerts } from './schema.js';

export interface AlertRow {
  id: number;
  key: string;
  severity: string;
  message: string;
  startedAt: number;
  clearedAt: number | null;
}

/** Open an episode for `key`; if one is already open (a restart mid-episode) it is returned as is. */
export function openAlert(
  store: Store,
  a: { key: string; severity: string; message: string; startedAt: number },
): number {
  return store.tx((db) => {
    const open = db
      .select({ id: alerts.id })
      .from(alerts)
      .where(and(eq(alerts.key, a.key), isNull(alerts.clearedAt)))
      .get();
    if (open) return open.id;
    const row = db
      .insert(alerts)
      .values({ key: a.key, severity: a.severity, message: a.message, startedAt: a.startedAt })
      .returning({ id: alerts.id })
      .get();
    return row.id;
  });
}

/** Close the open episode of `key`. Returns how many rows it closed (0 or 1). */
export function clearAlert(store: Store, key: string, clearedAt: number): number {
  return store.tx(
    (db) =>
      db
        .update(alerts)
        .set({ clearedAt })
        .where(and(eq(alerts.key, key), isNull(alerts.clearedAt)))
        .run().changes,
  );
}

export function listOpenAlerts(store: Store): AlertRow[] {
  return store.db.select().from(alerts).where(isNull(alerts.clearedAt)).orderBy(alerts.startedAt).all();
}

export function listRecentAlerts(store: Store, limit = 100): AlertRow[] {
  return store.db.select().from(alerts).orderBy(desc(alerts.id)).limit(limit).all();
}

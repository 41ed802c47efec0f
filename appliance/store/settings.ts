// Small key/value settings and cursors (CursorStore port).
import { eq } from 'drizzle-orm';
import type { CursorStore } from '../ports.js';
import type { Store } from './open.js';
import { cursors, settings } from './schema.js';

export function getSetting<T>(store: Store, key: string): T | undefined {
  return store.db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()
    ?.value as T | undefined;
}

export function setSetting(store: Store, key: string, value: unknown, now: number): void {
  store.db
    .insert(settings)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } })
    .run();
}

/** A real durable write: proves the database and its volume accept commits. */
export function probeWrite(store: Store, now: number): void {
  store.tx(() => setSetting(store, 'health.probe', now, now));
}

export function createCursorStore(store: Store, now: () => number = Date.now): CursorStore {
  return {
    get: (name) => store.db.select({ v: cursors.value }).from(cursors).where(eq(cursors.name, name)).get()?.v,
    set(name, value) {
      store.db
        .insert(cursors)
        .values({ name, value, updatedAt: now() })
        .onConflictDoUpdate({ target: cursors.name, set: { value, updatedAt: now() } })
        .run();
    },
  };
}

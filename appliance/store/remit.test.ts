import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { buildBillerDb, copyStore, type BillerDb } from '../../test/helpers/biller-loop.js';
import { createRemitStore } from './remit.js';

let fixture: BillerDb;
beforeAll(async () => {
  fixture = await buildBillerDb({ encounters: 10 });
}, 60_000);
afterAll(() => fixture.dispose());

const linePaid = (s: ReturnType<typeof copyStore>['store']) =>
  s.sqlite.prepare('SELECT coalesce(sum(paid_cents), 0) FROM claim_lines').pluck().get() as number;

describe('remittance posting', () => {
  it('pays claim lines only when a proposed remittance is approved, never on proposal', () => {
    const { store, dataDir } = copyStore(fixture);
    try {
      const proposed = store.sqlite
        .prepare("SELECT id FROM remittances WHERE status = 'proposed'")
        .pluck()
        .all() as number[];
      expect(proposed.length).toBeGreaterThan(0);
      expect(linePaid(store)).toBe(0);
      const remit = createRemitStore(store);
      for (const id of proposed) expect(remit.approve(id, 'user:test', Date.now()).posted).toBe(true);
      const posted = store.sqlite
        .prepare(
          "SELECT coalesce(sum(rc.paid_cents), 0) FROM remittance_claims rc JOIN remittances r ON r.id = rc.remittance_id WHERE r.status = 'posted' AND rc.claim_id IS NOT NULL",
        )
        .pluck()
        .get() as number;
      expect(posted).toBeGreaterThan(0);
      // Every claim's lines add up to what the 835 paid on the claim.
      expect(linePaid(store)).toBe(posted);
    } finally {
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

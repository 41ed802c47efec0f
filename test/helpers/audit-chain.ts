// Recompute the whole audit hash chain of a store: every seq in order, every link, every hash.
import { expect } from 'vitest';
import type { Store } from '../../appliance/store/open.js';
import { GENESIS_HASH, hashEntry, type AuditRow } from '../../appliance/audit/log.js';

export function expectAuditChainIntact(store: Store): number {
  const rows = store.sqlite
    .prepare(
      'SELECT seq, ts, actor, event, entity_type entityType, entity_id entityId, detail, source, outcome, prev_hash prevHash, hash FROM audit_log ORDER BY seq',
    )
    .all() as AuditRow[];
  let prev = GENESIS_HASH;
  for (const [i, r] of rows.entries()) {
    expect(r.seq).toBe(i + 1);
    expect(r.prevHash).toBe(prev);
    const { hash, ...rest } = r;
    expect(hashEntry(rest)).toBe(hash);
    prev = hash;
  }
  return rows.length;
}

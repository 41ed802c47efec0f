import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../appliance/config.js';
import { runDemo } from '../../appliance/cli/demo.js';
import { openStore } from '../../appliance/store/open.js';
import { verifyAudit } from '../../appliance/audit/verify.js';
import { readSigningKey } from '../../appliance/audit/keys.js';

describe('audit trail', () => {
  it('records every stage of one encounter from HL7 intake to a posted payment, and the chain verifies', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-trail-'));
    // Seed 3 pays the first encounter's claim in the sandbox (deterministic payer behaviour).
    const result = await runDemo(defaultConfig(), { encounters: 3, dataDir, seed: 3 });
    expect(result.counts.encounters.claimed).toBe(3);

    const store = openStore(join(dataDir, 'claimbox.db'));
    const claim = store.sqlite
      .prepare(
        "SELECT id, encounter_id FROM claims WHERE status IN ('paid','partially_paid','denied') ORDER BY id LIMIT 1",
      )
      .get() as { id: number; encounter_id: number };
    expect(claim).toBeDefined();
    const events = (entityType: string, id: number) =>
      store.sqlite
        .prepare('SELECT event FROM audit_log WHERE entity_type = ? AND entity_id = ? ORDER BY seq')
        .pluck()
        .all(entityType, String(id)) as string[];
    expect(events('encounter', claim.encounter_id)).toEqual(['ENCOUNTER_RECEIVED', 'CODING_COMPLETED']);
    expect(events('claim', claim.id)).toEqual(
      expect.arrayContaining([
        'CLAIM_CREATED',
        'CLAIM_READY',
        'CLAIM_SUBMITTED',
        'CLAIM_ACCEPTED',
        'PAYMENT_POSTED',
      ]),
    );
    const order = events('claim', claim.id);
    expect(order.indexOf('CLAIM_SUBMITTED')).toBeLessThan(order.indexOf('CLAIM_ACCEPTED'));
    expect(order.indexOf('CLAIM_ACCEPTED')).toBeLessThan(order.indexOf('PAYMENT_POSTED'));
    const remitEvents = store.sqlite
      .prepare("SELECT count(*) FROM audit_log WHERE event = 'ERA_RECEIVED'")
      .pluck()
      .get();
    expect(remitEvents).toBeGreaterThan(0);
    // No PHI in any audit detail: no patient name, no full MRN.
    const details = (store.sqlite.prepare('SELECT detail FROM audit_log').pluck().all() as string[]).join(
      '\n',
    );
    expect(details).not.toMatch(
      /Testpatient|Sampleton|Demoson|Fakerly|Mockwell|Synthia|Placeholder|Dummyford/,
    );
    expect(details).not.toMatch(/DEMO\d{7}/);
    store.close();

    const key = readSigningKey(join(dataDir, 'audit-key.pem'));
    const verdict = await verifyAudit({
      dbPath: join(dataDir, 'claimbox.db'),
      sinkFile: join(dataDir, 'audit-checkpoints.jsonl'),
      publicKey: key.publicKey,
      workers: 1,
    });
    expect(verdict.firstBad).toBeUndefined();
    expect(verdict.ok).toBe(true);
  });
});

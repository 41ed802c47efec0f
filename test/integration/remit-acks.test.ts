// The remit stage against a real SQLite store and the real X12 readers: clearinghouse files that hold
// several transaction sets, TA1 interchange acknowledgments, 999 group rejections without AK2 loops,
// and 277CA rejections above claim level, each applied to the batch or payment it names.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remitStage } from '../../appliance/pipeline/remit-stage.js';
import type { StageContext } from '../../appliance/pipeline/stage.js';
import { sampleBilling, sampleClaim } from '../../appliance/pipeline/test-fixtures.js';
import type { RemoteDocument } from '../../appliance/ports.js';
import { openStore, type Store } from '../../appliance/store/open.js';
import { createPipelineStore } from '../../appliance/store/pipeline-store.js';
import { createRemitStore } from '../../appliance/store/remit.js';
import { x12Readers } from '../../appliance/wiring.js';
import { sniffKind } from '../../integrations/clearinghouse/kind.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/x12', name), 'utf8');
const quiet = { info() {}, warn() {}, error() {} };

/**
 * Batch 1: ISA13 301, GS06 71, ST02 0001 (BHT03 3010001) with PCN-A1 (billed under NPI 1234567893,
 * TIN 000000001) and PCN-A2 (billed under TIN 000000002). Batch 2: ISA13 302, GS06 72 with PCN-B1.
 */
describe('remit stage, acknowledgments per transaction set and above claim level', () => {
  let dir: string;
  let store: Store;
  const now = Date.UTC(2026, 0, 6, 12);
  const q = (sql: string, ...args: unknown[]): unknown =>
    store.sqlite
      .prepare(sql)
      .pluck()
      .get(...args);
  const status = (pcn: string) => q('SELECT status FROM claims WHERE pcn = ?', pcn);
  const batchStatus = (isa: number) => q('SELECT status FROM batches WHERE isa_control = ?', isa);
  const reasons = (entityType: string, id: number) =>
    (
      store.sqlite
        .prepare('SELECT reasons FROM work_items WHERE entity_type = ? AND entity_id = ? ORDER BY id')
        .pluck()
        .all(entityType, id) as string[]
    ).flatMap((r) => JSON.parse(r) as { code: string; message: string }[]);
  const claimId = (pcn: string) => q('SELECT id FROM claims WHERE pcn = ?', pcn) as number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cb-remit-acks-'));
    store = openStore(join(dir, 'claimbox.db'));
    const claims: [string, number, { npi: string; taxId: string }][] = [
      ['PCN-A1', 1, { npi: '1234567893', taxId: '000000001' }],
      ['PCN-A2', 1, { npi: '1234567893', taxId: '00-0000002' }],
      ['PCN-B1', 2, { npi: '1234567893', taxId: '000000001' }],
    ];
    for (const [batchId, isa, gs] of [
      [1, 301, 71],
      [2, 302, 72],
    ] as const)
      store.sqlite
        .prepare(
          `INSERT INTO batches (id, transport, isa_control, gs_control, file_name, content, claim_count, test_mode, status, created_at, sent_at)
           VALUES (?, 'sandbox', ?, ?, ?, 'ISA...', 1, 1, 'sent', ?, ?)`,
        )
        .run(batchId, isa, gs, `batch-${batchId}.837`, now, now);
    for (const [pcn, batchId, billing] of claims) {
      const claim = sampleClaim({ patientControlNumber: pcn, billing: sampleBilling(billing) });
      const id = store.sqlite
        .prepare(
          `INSERT INTO claims (pcn, encounter_id, patient_id, kind, status, payer_id, total_charge_cents, document, draft_at, ready_at, submitted_at, updated_at)
           VALUES (?, 1, 1, 'medical', 'submitted', 'SANDBOX1', ?, ?, ?, ?, ?, ?)`,
        )
        .run(pcn, claim.totalChargeCents, JSON.stringify(claim), now, now, now, now).lastInsertRowid;
      store.sqlite
        .prepare("INSERT INTO batch_claims (batch_id, claim_id, st_control) VALUES (?, ?, '0001')")
        .run(batchId, id);
    }
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One pass of the remit stage over a clearinghouse that hands out `files`. */
  async function apply(...files: { name: string; content: string }[]) {
    let docs: RemoteDocument[] = files.map((f) => ({
      remoteId: f.name,
      kind: sniffKind(f.content),
      content: f.content,
    }));
    const ctx: StageContext = {
      store: createPipelineStore(store),
      clock: { now: () => now },
      logger: quiet,
      policy: { baseMs: 1000, maxMs: 60_000, maxAttempts: 8 },
      batchSize: 100,
    };
    const stage = remitStage(ctx, {
      transport: {
        name: 'sandbox',
        upload: () => Promise.reject(new Error('not used')),
        wasUploaded: () => Promise.resolve(undefined),
        fetch: () => {
          const out = docs;
          docs = [];
          return Promise.resolve(out);
        },
        confirm: () => Promise.resolve(),
        ping: () => Promise.resolve(),
        close: () => Promise.resolve(),
      },
      remit: createRemitStore(store),
      readers: x12Readers,
      autoPost: false,
      pollMs: 0,
      busyPollMs: 0,
    });
    await stage.run(now);
  }
  const file = (name: string) => ({ name, content: fixture(name) });

  it('999 answering two groups: rejects group 71 claims only and accepts group 72, when both ST02 are 0001', async () => {
    await apply(file('999-two-groups.x12'));
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'rejected',
      'rejected',
      'submitted',
    ]);
    expect([batchStatus(301), batchStatus(302)]).toEqual(['rejected', 'accepted']);
    expect(reasons('claim', claimId('PCN-A1'))).toEqual([
      {
        code: 'CLEARINGHOUSE_REJECTED',
        message: 'The clearinghouse rejected the file (999): NM109 at position 9: invalid code value',
      },
    ]);
    expect(reasons('claim', claimId('PCN-B1'))).toEqual([]);
  });

  it('999 file of two concatenated interchanges: each interchange applies to its own batch', async () => {
    await apply(file('999-two-interchanges.x12'));
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'submitted',
      'submitted',
      'rejected',
    ]);
    expect([batchStatus(301), batchStatus(302)]).toEqual(['accepted', 'rejected']);
  });

  it('999 AK9 R without AK2 loops: rejects every claim of the group, with the AK905 text', async () => {
    await apply(file('999-group-rejected-no-ak2.x12'));
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'rejected',
      'rejected',
      'submitted',
    ]);
    expect(batchStatus(301)).toBe('rejected');
    expect(reasons('claim', claimId('PCN-A2'))[0]!.message).toBe(
      'The clearinghouse rejected the whole file (999 AK9 R): AK905 4: group control numbers in the GS and GE do not agree',
    );
  });

  it('TA1 R: rejects every claim of the interchange TA101 names, with the note code text', async () => {
    await apply(file('ta1-rejected.x12'));
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'rejected',
      'rejected',
      'submitted',
    ]);
    expect(batchStatus(301)).toBe('rejected');
    expect(reasons('claim', claimId('PCN-A1'))[0]!.message).toBe(
      'The clearinghouse rejected the interchange (TA1 R for interchange 000000301, note 024: Invalid interchange content (e.g., invalid GS segment))',
    );
    expect(q("SELECT status FROM clearinghouse_responses WHERE remote_id = 'ta1-rejected.x12'")).toBe(
      'processed',
    );
  });

  it('TA1 E: records the envelope errors for the batch and leaves its claims waiting for the 999', async () => {
    await apply({ name: 'ta1-e.x12', content: fixture('ta1-rejected.x12').replace('*R*024', '*E*001') });
    expect([status('PCN-A1'), status('PCN-A2')]).toEqual(['submitted', 'submitted']);
    expect(batchStatus(301)).toBe('sent');
    expect(reasons('batch', 1)).toEqual([
      {
        code: 'INTERCHANGE_ACK_ERRORS',
        message:
          'TA1 E for interchange 000000301, note 001: The interchange control number in the header and trailer do not match (accepted, errors noted)',
      },
    ]);
  });

  it('TA1 R in the same file as a 999: rejects that interchange and applies the 999 to its own group', async () => {
    const ta1 = fixture('ta1-rejected.x12');
    const ack72 = fixture('999-two-groups.x12')
      .replace('GE*2*201', 'GE*1*201')
      .replace(/ST\*999\*0001[\s\S]*?SE\*9\*0001~\n/, '');
    await apply({ name: 'mixed.x12', content: ta1 + ack72 });
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'rejected',
      'rejected',
      'submitted',
    ]);
    expect([batchStatus(301), batchStatus(302)]).toEqual(['rejected', 'accepted']);
    expect(q("SELECT status FROM clearinghouse_responses WHERE remote_id = 'mixed.x12'")).toBe('processed');
  });

  // A file of two kinds: the 999 accepting group 72 and the 277CA for batch 301, one after the other.
  const ack72 = () =>
    fixture('999-two-groups.x12')
      .replace('GE*2*201', 'GE*1*201')
      .replace(/ST\*999\*0001[\s\S]*?SE\*9\*0001~\n/, '');

  it('a file holding a 999 and a 277CA: each is read by its own reader and both are applied', async () => {
    await apply({ name: 'both.x12', content: ack72() + fixture('277ca-provider-rejected.x12') });
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'accepted',
      'rejected',
      'submitted',
    ]);
    expect(batchStatus(302)).toBe('accepted');
    expect(q("SELECT status FROM clearinghouse_responses WHERE remote_id = 'both.x12'")).toBe('processed');
  });

  it('a file holding a 999 and an unreadable 277CA: nothing of it is applied, and it waits for a person', async () => {
    const broken = fixture('277ca-provider-rejected.x12').replace(
      'STC*A2:20:PR*20260106*WQ*100',
      'STC*A2:20:PR*20260106*WQ*1.2.3',
    );
    await apply({ name: 'half.x12', content: ack72() + broken });
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'submitted',
      'submitted',
      'submitted',
    ]);
    expect(batchStatus(302)).toBe('sent');
    expect(q("SELECT status FROM clearinghouse_responses WHERE remote_id = 'half.x12'")).toBe('error');
    const responseId = q("SELECT id FROM clearinghouse_responses WHERE remote_id = 'half.x12'") as number;
    expect(reasons('response', responseId)).toMatchObject([{ code: 'RESPONSE_UNREADABLE' }]);
  });

  it('277CA provider-level (2200C) rejection: rejects the claims billed under that TIN, not the others', async () => {
    await apply(file('277ca-provider-rejected.x12'));
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'accepted',
      'rejected',
      'submitted',
    ]);
    expect(reasons('claim', claimId('PCN-A2'))[0]!.message).toBe(
      'The payer rejected the billing provider (277CA 2200C): A3:85 returned as unprocessable',
    );
  });

  it('277CA file-level (2200B) rejection without patient levels: rejects every claim of the batch BHT03 names', async () => {
    await apply(file('277ca-file-rejected.x12'));
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'rejected',
      'rejected',
      'submitted',
    ]);
    expect(reasons('claim', claimId('PCN-A1'))[0]!.message).toBe(
      'The payer rejected the whole file (277CA 2200B): A3:24 returned as unprocessable',
    );
  });

  it('277CA file-level rejection naming no batch of ours: changes no claim and asks a person', async () => {
    await apply({
      name: 'unknown.277',
      content: fixture('277ca-file-rejected.x12').replace('TRN*2*3010001', 'TRN*2*BATCH-UNKNOWN'),
    });
    expect([status('PCN-A1'), status('PCN-A2'), status('PCN-B1')]).toEqual([
      'submitted',
      'submitted',
      'submitted',
    ]);
    const responseId = q("SELECT id FROM clearinghouse_responses WHERE remote_id = 'unknown.277'") as number;
    expect(reasons('response', responseId)).toMatchObject([{ code: 'ACK_UNKNOWN_BATCH' }]);
  });

  it('277CA service line (2220D) statuses reach the rejection work item', async () => {
    await apply(file('277ca-service-line.x12'));
    expect(status('PCN-B1')).toBe('rejected');
    expect(reasons('claim', claimId('PCN-B1'))[0]!.message).toBe(
      'The payer rejected the claim (277CA): A7:21 rejected for invalid information; line 1 HC:99213:25 (line control LINE-CTL-1): A7:454 rejected for invalid information',
    );
  });

  it('835 with two payments: one remittance per check/EFT, each reconciled on its own', async () => {
    await apply(file('835-two-payments.x12'));
    const rows = store.sqlite
      .prepare('SELECT check_number, payment_cents, payment_date, status FROM remittances ORDER BY id')
      .all();
    expect(rows).toEqual([
      { check_number: 'CHECK-AAA-111', payment_cents: 8000, payment_date: '2026-01-05', status: 'proposed' },
      { check_number: 'EFT-BBB-222', payment_cents: 4500, payment_date: '2026-01-06', status: 'proposed' },
    ]);
    const pcns = store.sqlite
      .prepare(
        'SELECT r.check_number, rc.pcn FROM remittance_claims rc JOIN remittances r ON r.id = rc.remittance_id ORDER BY rc.id',
      )
      .all();
    expect(pcns).toEqual([
      { check_number: 'CHECK-AAA-111', pcn: 'PCN-A1' },
      { check_number: 'EFT-BBB-222', pcn: 'PCN-B1' },
    ]);
  });
});

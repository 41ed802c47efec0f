import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ambiguous } from '../domain/errors.js';
import type { ClearinghouseTransport, UploadResult } from '../ports.js';
import { openStore, type Store } from '../store/open.js';
import { createPipelineStore } from '../store/pipeline-store.js';
import { createSubmissionStore } from '../store/submission.js';
import { createRemitStore } from '../store/remit.js';
import { createHoldSwitch } from './hold.js';
import { submitStage, type BatchWriter } from './submit.js';
import type { StageContext } from './stage.js';
import { sampleClaim } from './test-fixtures.js';

const quiet = { info() {}, warn() {}, error() {} };

interface FakeTransport {
  uploads: { fileName: string; content: string }[];
  onUpload: () => Promise<UploadResult>;
  seen: () => Promise<boolean | undefined>;
  transport: ClearinghouseTransport;
}

/** A transport that records every upload; each test decides what upload and wasUploaded answer. */
function fakeTransport(): FakeTransport {
  const t: FakeTransport = {
    uploads: [],
    onUpload: () => Promise.resolve({ remoteId: String(t.uploads.length), messages: [] }),
    seen: () => Promise.resolve(undefined),
    transport: {
      name: 'sandbox',
      upload(file) {
        t.uploads.push({ ...file });
        return t.onUpload();
      },
      wasUploaded: () => t.seen(),
      fetch: () => Promise.resolve([]),
      confirm: () => Promise.resolve(),
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    },
  };
  return t;
}

/** Stands in for the 837 writer: the file spells out its control numbers and claim PCNs. */
const writer: BatchWriter = {
  write(claims, c) {
    return {
      content: `ISA13=${c.isaControl} GS06=${c.gsControl} ST02=${c.stStart} ${claims.map((x) => x.patientControlNumber).join(',')}`,
      stControls: claims.map(() => String(c.stStart).padStart(4, '0')),
    };
  },
  validate: () => [],
};

describe('submit stage', () => {
  let store: Store;
  let now: number;
  let t: FakeTransport;
  let hold: ReturnType<typeof createHoldSwitch>;
  let stage: ReturnType<typeof submitStage>;
  const q = (sql: string): unknown => store.sqlite.prepare(sql).pluck().get();

  beforeEach(() => {
    store = openStore(join(mkdtempSync(join(tmpdir(), 'cb-submit-')), 'claimbox.db'));
    now = Date.UTC(2026, 10, 22, 12);
    for (let i = 1; i <= 3; i++) {
      const claim = sampleClaim({ patientControlNumber: `PCN${i}` });
      store.sqlite
        .prepare(
          `INSERT INTO claims (pcn, encounter_id, patient_id, kind, status, payer_id, total_charge_cents, document, draft_at, ready_at, updated_at)
           VALUES (?, ?, ?, 'medical', 'ready', 'SAMPLE-PPO', ?, ?, ?, ?, ?)`,
        )
        .run(`PCN${i}`, i, i, claim.totalChargeCents, JSON.stringify(claim), now, now, now);
    }
    t = fakeTransport();
    hold = createHoldSwitch();
    const ctx: StageContext = {
      store: createPipelineStore(store),
      clock: { now: () => now },
      logger: quiet,
      policy: { baseMs: 1000, maxMs: 60_000, maxAttempts: 8 },
      batchSize: 100,
    };
    stage = submitStage(ctx, {
      outbox: createSubmissionStore(store),
      transport: t.transport,
      hold,
      writer,
      mode: 'immediate',
      intervalMs: 3_600_000,
      maxClaimsPerBatch: 100,
      testMode: true,
      takeSubmitNow: () => false,
    });
  });
  afterEach(() => store.close());

  const batch = () =>
    store.sqlite.prepare('SELECT id, status, isa_control isa, gs_control gs, content FROM batches').all() as {
      id: number;
      status: string;
      isa: number;
      gs: number;
      content: string;
    }[];
  const readyClaims = () => q("SELECT count(*) FROM claims WHERE status = 'ready'");

  it('creates no batch and uploads nothing while held, then submits once released', async () => {
    hold.set('operator', true);
    expect(await stage.run(now)).toBe(0);
    expect(batch()).toEqual([]);
    expect(t.uploads).toEqual([]);
    expect(readyClaims()).toBe(3);

    hold.set('operator', false);
    await stage.run(now);
    expect(batch()).toMatchObject([{ status: 'sent' }]);
    expect(t.uploads).toHaveLength(1);
    expect(q("SELECT count(*) FROM claims WHERE status = 'submitted'")).toBe(3);
  });

  it('leaves a pending batch unsent while held, and sends it unchanged once released', async () => {
    t.onUpload = () => Promise.reject(new Error('connection refused'));
    await stage.run(now);
    const [pending] = batch();
    expect(pending).toMatchObject({ status: 'pending' });
    t.onUpload = () => Promise.resolve({ remoteId: 'F1', messages: [] });
    hold.set('power', true);
    now += 3_600_000;
    await stage.run(now);
    expect(t.uploads).toHaveLength(1);
    hold.set('power', false);
    await stage.run(now);
    expect(t.uploads).toHaveLength(2);
    expect(t.uploads[1]).toEqual(t.uploads[0]);
    expect(batch()).toMatchObject([{ id: pending!.id, status: 'sent' }]);
  });

  describe('an upload whose reply was lost (ambiguous)', () => {
    beforeEach(async () => {
      t.onUpload = () => Promise.reject(ambiguous('CH_UPLOAD_TIMEOUT', 'no reply after sending'));
      await stage.run(now);
      expect(batch()).toMatchObject([{ status: 'ambiguous' }]);
      expect(t.uploads).toHaveLength(1);
      t.onUpload = () => Promise.resolve({ remoteId: 'F2', messages: [] });
    });

    it('is marked sent without resending when the clearinghouse lists it', async () => {
      t.seen = () => Promise.resolve(true);
      await stage.run(now + 1);
      expect(t.uploads).toHaveLength(1);
      expect(batch()).toMatchObject([{ status: 'sent' }]);
      expect(q("SELECT count(*) FROM claims WHERE status = 'submitted'")).toBe(3);
    });

    it('is resent with the same bytes and control numbers when the clearinghouse never got it', async () => {
      const before = batch();
      t.seen = () => Promise.resolve(false);
      await stage.run(now + 1);
      expect(t.uploads).toHaveLength(2);
      expect(t.uploads[1]).toEqual(t.uploads[0]);
      expect(batch()).toEqual([{ ...before[0], status: 'sent' }]);
      expect(t.uploads[1]!.content).toContain(`ISA13=${before[0]!.isa} GS06=${before[0]!.gs}`);
    });

    it('waits, neither resent nor marked sent, while the evidence is unknown or unreachable', async () => {
      t.seen = () => Promise.resolve(undefined);
      await stage.run(now + 1);
      t.seen = () => Promise.reject(new Error('uploadlist: connection refused'));
      await stage.run(now + 3_600_000);
      expect(t.uploads).toHaveLength(1);
      expect(batch()).toMatchObject([{ status: 'ambiguous' }]);
      expect(readyClaims()).toBe(3);
    });

    it('is submitted by a 999 that arrives before the upload list is asked', () => {
      const [b] = batch();
      createRemitStore(store).apply999(
        0,
        [
          {
            groupControlNumber: String(b!.gs),
            groupAccepted: true,
            transactions: [{ controlNumber: '1', claimStatus: undefined, accepted: true, errors: [] }],
          },
        ],
        now + 1,
      );
      expect(batch()).toMatchObject([{ status: 'accepted' }]);
      expect(q("SELECT count(*) FROM claims WHERE status = 'submitted' AND submitted_at IS NOT NULL")).toBe(
        3,
      );
      expect(q("SELECT count(*) FROM audit_log WHERE event = 'CLAIM_SUBMITTED'")).toBe(3);
    });
    it('is submitted and its claims rejected by a 277CA that arrives before the 999', () => {
      createRemitStore(store).apply277(
        0,
        [
          {
            patientControlNumber: 'PCN2',
            claimStatus: 'rejected',
            payerClaimNumber: undefined,
            codes: ['A7:21:85'],
            message: 'missing information',
          },
        ],
        now + 1,
      );
      expect(q("SELECT status FROM claims WHERE pcn = 'PCN2'")).toBe('rejected');
      expect(q("SELECT count(*) FROM claims WHERE status = 'submitted'")).toBe(2);
      expect(q("SELECT count(*) FROM audit_log WHERE event = 'CLAIM_SUBMITTED'")).toBe(3);
    });
  });

  it('counts a batch left sending by a crash as ambiguous at start', async () => {
    let uploading!: () => void;
    const called = new Promise<void>((r) => (uploading = r));
    t.onUpload = () => {
      uploading();
      return new Promise(() => {}); // the process dies here
    };
    void stage.run(now);
    await called;
    expect(batch()).toMatchObject([{ status: 'sending' }]);
    expect(stage.recover(now + 1)).toBe(1);
    expect(batch()).toMatchObject([{ status: 'ambiguous' }]);
  });
});

import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildBillerDb,
  copyStore,
  driveLoop,
  loopConfig,
  type BillerDb,
} from '../../../test/helpers/biller-loop.js';
import { DENIAL_CATEGORIES } from '../../domain/carc.js';
import type { Claim } from '../../domain/types.js';
import { openStore, type Store } from '../../store/open.js';
import { join } from 'node:path';
import { createRemitStore } from '../../store/remit.js';
import { createDenialRoutes } from './denials.js';

let fixture: BillerDb;
let store: Store;
let dataDir: string;
const NOW = Date.now() + 60_000;

beforeAll(async () => {
  fixture = await buildBillerDb({ encounters: 40 });
}, 30_000);
afterAll(() => fixture.dispose());
beforeEach(() => {
  ({ store, dataDir } = copyStore(fixture));
  const remit = createRemitStore(store);
  for (const id of store.sqlite
    .prepare("SELECT id FROM remittances WHERE status = 'proposed'")
    .pluck()
    .all() as number[])
    remit.approve(id, 'user:poster', NOW - 1000);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const app = () => createDenialRoutes({ store, clock: { now: () => NOW } });
const post = (path: string, body?: unknown) =>
  app().request(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

interface Denial {
  id: number;
  claimId: number;
  pcn: string;
  payerId: string;
  claimStatus: string;
  payerClaimNumber: string;
  category: string;
  carc: string;
  group: string;
  suggestedAction: string;
  amountCents: number;
  assignee: string | null;
  status: string;
  notes: { message: string; by: string }[];
}
const list = async (q = '') =>
  ((await (await app().request(`/${q}`)).json()) as { denials: Denial[] }).denials;
const claimRow = (id: number) =>
  store.sqlite.prepare('SELECT * FROM claims WHERE id = ?').get(id) as {
    status: string;
    frequency: string;
    original_claim_id: number | null;
    document: string;
    pcn: string;
    payer_claim_number: string | null;
  };

describe('/api/denials', () => {
  it('lists each denial with its claim, payer, CARC, category, suggested action and amount', async () => {
    const all = await list();
    expect(all.length).toBeGreaterThan(0);
    for (const d of all) {
      expect(d.pcn).toMatch(/^CB\d{9}$/);
      expect(d.payerId).toMatch(/^SAMPLE-/);
      expect(d.carc).toMatch(/^\d+$/);
      expect(d.group).toMatch(/^(CO|OA|PI|PR|CR)$/);
      expect(DENIAL_CATEGORIES).toContain(d.category);
      expect(d.suggestedAction.length).toBeGreaterThan(10);
      expect(d.amountCents).toBeGreaterThan(0);
      expect(d.status).toBe('open');
    }
    const cat = all[0]!.category;
    const filtered = await list(`?category=${cat}`);
    expect(filtered.length).toBe(all.filter((d) => d.category === cat).length);
  });

  it('answers 422 for an unknown category or status filter', async () => {
    expect((await app().request('/?category=weather')).status).toBe(422);
    expect((await app().request('/?status=closed')).status).toBe(422);
    expect((await app().request('/?limit=0')).status).toBe(422);
    expect((await app().request('/?offset=-1')).status).toBe(422);
    const all = await list();
    expect((await list('?limit=1&offset=1')).map((d) => d.id)).toEqual([all[1]!.id]);
  });

  it('summary counts every category, matching the list', async () => {
    const all = await list();
    const s = (await (await app().request('/summary')).json()) as {
      categories: { category: string; open: number; openAmountCents: number }[];
      totals: { open: number };
    };
    expect(s.categories.map((c) => c.category)).toEqual([...DENIAL_CATEGORIES]);
    expect(s.totals.open).toBe(all.length);
    for (const c of s.categories) {
      const mine = all.filter((d) => d.category === c.category);
      expect(c.open).toBe(mine.length);
      expect(c.openAmountCents).toBe(mine.reduce((t, d) => t + d.amountCents, 0));
    }
  });

  it('assigns, progresses and annotates an item; audit records what changed but not the note', async () => {
    const d = (await list())[0]!;
    const res = await post(`/${d.id}`, {
      assignee: 'bob',
      status: 'in_progress',
      note: 'Called payer, ref 12345',
    });
    expect(res.status).toBe(200);
    const got = (await res.json()) as Denial;
    expect(got).toMatchObject({
      assignee: 'bob',
      status: 'in_progress',
      notes: [{ message: 'Called payer, ref 12345', by: 'user:local' }],
    });
    expect((await list('?assignee=bob')).map((x) => x.id)).toEqual([d.id]);
    expect((await list('?status=in_progress')).map((x) => x.id)).toEqual([d.id]);
    const a = store.sqlite
      .prepare('SELECT actor, event, entity_id, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as {
      actor: string;
      event: string;
      entity_id: string;
      detail: string;
    };
    expect(a).toMatchObject({ actor: 'user:local', event: 'RECORD_CHANGED', entity_id: String(d.id) });
    expect(JSON.parse(a.detail)).toEqual({
      assignee: { from: null, to: 'bob' },
      status: { from: 'open', to: 'in_progress' },
      noteAdded: true,
    });
    expect(a.detail).not.toContain('12345');
  });

  it('refuses bad updates with 422 and unknown items with 404', async () => {
    const d = (await list())[0]!;
    expect((await post(`/${d.id}`, { status: 'closed' })).status).toBe(422);
    expect((await post(`/${d.id}`, {})).status).toBe(422);
    expect((await post(`/${d.id}`, { assignee: 'not a name!' })).status).toBe(422);
    expect((await post('/99999', { status: 'done' })).status).toBe(404);
  });

  it('a corrected claim is a ready frequency-7 replacement with REF*F8, the original replaced, and the submit stage sends it', async () => {
    const d = (await list())[0]!;
    const original = claimRow(d.claimId);
    const origDoc = JSON.parse(original.document) as Claim;
    const res = await post(`/${d.id}/corrected-claim`, { lines: [{ lineNumber: 1, modifiers: ['25'] }] });
    expect(res.status).toBe(201);
    const made = (await res.json()) as { claimId: number; pcn: string; frequency: string; status: string };
    expect(made).toMatchObject({ frequency: '7', status: 'ready' });
    const fresh = claimRow(made.claimId);
    const doc = JSON.parse(fresh.document) as Claim;
    expect(fresh).toMatchObject({
      status: 'ready',
      frequency: '7',
      original_claim_id: d.claimId,
      pcn: made.pcn,
    });
    expect(doc.originalClaimNumber).toBe(original.payer_claim_number);
    expect(doc.patientControlNumber).toBe(made.pcn);
    expect(doc.lines[0]!.modifiers).toEqual(['25']);
    expect(doc.lines.length).toBe(origDoc.lines.length);
    expect(claimRow(d.claimId).status).toBe('replaced');
    expect((await list(`?status=done`)).map((x) => x.claimId)).toContain(d.claimId);
    const events = store.sqlite
      .prepare('SELECT event FROM audit_log ORDER BY seq DESC LIMIT 3')
      .pluck()
      .all();
    expect(events).toEqual(['RECORD_CHANGED', 'RECORD_CHANGED', 'CLAIM_CREATED']);
    // Acting again on the now-replaced claim is a conflict.
    expect((await post(`/${d.id}/corrected-claim`)).status).toBe(409);

    // Hand the database back to the pipeline: the replacement goes out in an 837 with CLM05-3 = 7.
    store.close();
    await driveLoop(loopConfig(dataDir, false), [], { sandbox: fixture.sandbox });
    store = openStore(join(dataDir, 'claimbox.db'));
    const after = claimRow(made.claimId);
    expect(['submitted', 'accepted', 'rejected', 'paid', 'partially_paid', 'denied']).toContain(after.status);
    const batch = store.sqlite
      .prepare(
        'SELECT b.content FROM batches b JOIN batch_claims bc ON bc.batch_id = b.id WHERE bc.claim_id = ?',
      )
      .pluck()
      .get(made.claimId) as string;
    expect(batch).toContain(`CLM*${made.pcn}*`);
    expect(batch).toMatch(/CLM\*[^~]*\*\d\d:B:7\*/);
    expect(batch).toContain(`REF*F8*${original.payer_claim_number}~`);
  }, 30_000);

  it('a corrected claim with a pointer past the diagnoses is refused with 422 and changes nothing', async () => {
    const d = (await list())[0]!;
    const res = await post(`/${d.id}/corrected-claim`, {
      lines: [{ lineNumber: 1, diagnosisPointers: [9] }],
    });
    expect(res.status).toBe(422);
    expect(claimRow(d.claimId).status).not.toBe('replaced');
    expect(
      (await post(`/${d.id}/corrected-claim`, { lines: [{ lineNumber: 1, modifiers: ['TOOLONG'] }] })).status,
    ).toBe(422);
  });

  it('void makes a ready frequency-8 claim restating the original, and the original becomes void', async () => {
    const d = (await list())[0]!;
    const original = claimRow(d.claimId);
    const res = await post(`/${d.id}/void`);
    expect(res.status).toBe(201);
    const made = (await res.json()) as { claimId: number; frequency: string };
    expect(made.frequency).toBe('8');
    const doc = JSON.parse(claimRow(made.claimId).document) as Claim;
    const orig = JSON.parse(original.document) as Claim;
    expect(doc.frequency).toBe('8');
    expect(doc.originalClaimNumber).toBe(original.payer_claim_number);
    expect(doc.lines).toEqual(orig.lines);
    expect(claimRow(d.claimId).status).toBe('void');
  });

  it('answers 409 when the payer has not given a claim number yet', async () => {
    const d = (await list())[0]!;
    store.sqlite.prepare('UPDATE claims SET payer_claim_number = NULL WHERE id = ?').run(d.claimId);
    const res = await post(`/${d.id}/void`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/REF\*F8/);
  });
});

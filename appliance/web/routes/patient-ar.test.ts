import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBillerDb, copyStore, type BillerDb } from '../../../test/helpers/biller-loop.js';
import type { Store } from '../../store/open.js';
import { createRemitStore } from '../../store/remit.js';
import { followUpClaim } from '../../store/work.js';
import { createPatientArRoutes, decodePageToken, encodePageToken } from './patient-ar.js';

const DAY = 86_400_000;
let fixture: BillerDb;
let store: Store;
let dataDir: string;
let postedAt: number;

beforeAll(async () => {
  fixture = await buildBillerDb({ encounters: 40 });
}, 30_000);
afterAll(() => fixture.dispose());
beforeEach(() => {
  ({ store, dataDir } = copyStore(fixture));
  postedAt = Date.now();
  const remit = createRemitStore(store);
  for (const id of store.sqlite
    .prepare("SELECT id FROM remittances WHERE status = 'proposed'")
    .pluck()
    .all() as number[])
    remit.approve(id, 'user:poster', postedAt);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const app = (now = postedAt + 1000) => createPatientArRoutes({ store, clock: { now: () => now } });
const get = async <T>(path: string, now?: number) => {
  const res = await app(now).request(path);
  return { status: res.status, body: (await res.json()) as T };
};

interface Item {
  claim_id: string;
  patient_external_id: string;
  status: 'INVOICEABLE' | 'NON_INVOICEABLE';
  patient_balance_cents: number;
  updated_at: string;
}
interface Page {
  items: Item[];
  next_page_token?: string;
}
const owed = () =>
  store.sqlite
    .prepare(
      "SELECT id, patient_resp_cents AS cents FROM claims WHERE patient_resp_cents > 0 AND status IN ('paid','partially_paid','denied')",
    )
    .all() as { id: number; cents: number }[];

async function allPages(limit: number, since?: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const q = new URLSearchParams({
      limit: String(limit),
      ...(since ? { since } : {}),
      ...(token ? { page_token: token } : {}),
    });
    const { status, body } = await get<Page>(`/inventory?${q.toString()}`);
    expect(status).toBe(200);
    items.push(...body.items);
    token = body.next_page_token;
    pages += 1;
  } while (token);
  return { items, pages };
}

describe('/api/patient-ar', () => {
  it('ages every patient balance into 0-30 right after posting and into 31-60 45 days on', async () => {
    const want = owed();
    expect(want.length).toBeGreaterThan(0);
    const total = want.reduce((s, c) => s + c.cents, 0);
    const fresh = await get<{
      claims: number;
      totalCents: number;
      buckets: { bucket: string; claims: number; cents: number }[];
    }>('/aging');
    expect(fresh.body).toMatchObject({ claims: want.length, totalCents: total });
    expect(fresh.body.buckets.map((b) => b.bucket)).toEqual(['0-30', '31-60', '61-90', '91-120', '120+']);
    expect(fresh.body.buckets[0]).toEqual({ bucket: '0-30', claims: want.length, cents: total });
    const later = await get<typeof fresh.body>('/aging', postedAt + 45 * DAY);
    expect(later.body.buckets[1]).toEqual({ bucket: '31-60', claims: want.length, cents: total });
    const old = await get<typeof fresh.body>('/aging', postedAt + 121 * DAY);
    expect(old.body.buckets[4]!.cents).toBe(total);
  });

  it('pages the inventory in (updated_at, id) order, each claim once, INVOICEABLE exactly when a balance is owed', async () => {
    const whole = await allPages(1000);
    const { items, pages } = await allPages(7);
    expect(items).toEqual(whole.items);
    expect(pages).toBe(Math.ceil(items.length / 7));
    expect(new Set(items.map((i) => i.claim_id)).size).toBe(items.length);
    const keys = items.map((i) => [Date.parse(i.updated_at), Number(i.claim_id)] as const);
    for (let k = 1; k < keys.length; k++)
      expect(
        keys[k]![0] > keys[k - 1]![0] || (keys[k]![0] === keys[k - 1]![0] && keys[k]![1] > keys[k - 1]![1]),
      ).toBe(true);
    const owes = new Map(owed().map((c) => [String(c.id), c.cents]));
    for (const i of items) {
      expect(i.status).toBe(owes.has(i.claim_id) ? 'INVOICEABLE' : 'NON_INVOICEABLE');
      expect(i.patient_balance_cents).toBe(owes.get(i.claim_id) ?? 0);
      expect(i.patient_external_id).toMatch(/^DEMO\d{7}$/);
    }
    expect(items.filter((i) => i.status === 'INVOICEABLE')).toHaveLength(owes.size);
    // Every posted claim is there (paid in full, denied, partly paid).
    const posted = store.sqlite
      .prepare('SELECT count(DISTINCT claim_id) FROM remittance_claims WHERE posted_at IS NOT NULL')
      .pluck()
      .get();
    expect(items).toHaveLength(posted as number);
  });

  it('a page token is stable: the same request gives the same page, and resumes after its key', async () => {
    const first = await get<Page>('/inventory?limit=5');
    const token = first.body.next_page_token!;
    expect(decodePageToken(token)).toEqual({
      updatedAt: Date.parse(first.body.items[4]!.updated_at),
      claimId: Number(first.body.items[4]!.claim_id),
    });
    const a = await get<Page>(`/inventory?limit=5&page_token=${token}`);
    const b = await get<Page>(`/inventory?limit=5&page_token=${token}`);
    expect(a.body).toEqual(b.body);
    expect(a.body.items.map((i) => i.claim_id)).not.toContain(first.body.items[4]!.claim_id);
  });

  it('since is inclusive and a later change shows up in the next delta sync', async () => {
    const { items } = await allPages(1000);
    const last = items.at(-1)!;
    const tail = await get<Page>(`/inventory?since=${encodeURIComponent(last.updated_at)}`);
    expect(tail.body.items.map((i) => i.claim_id)).toContain(last.claim_id);
    const syncPoint = new Date(postedAt + 2000).toISOString();
    expect((await get<Page>(`/inventory?since=${syncPoint}`)).body.items).toEqual([]);
    // A person voids a denied claim later: its inventory item changes and the next sync sees it.
    const denial = store.sqlite
      .prepare("SELECT id, entity_id FROM work_items WHERE kind = 'denial' LIMIT 1")
      .get() as { id: number; entity_id: number };
    followUpClaim(store, denial.id, 'void', undefined, 'user:test', postedAt + 5000);
    const delta = await get<Page>(`/inventory?since=${syncPoint}`);
    expect(delta.body.items).toEqual([
      expect.objectContaining({
        claim_id: String(denial.entity_id),
        status: 'NON_INVOICEABLE',
        patient_balance_cents: 0,
      }),
    ]);
    expect(delta.body.next_page_token).toBeUndefined();
  });

  it('a claim replaced by a corrected claim stops being invoiceable, even with a balance', async () => {
    const before = owed();
    const c = before[0]!;
    store.sqlite
      .prepare(
        "INSERT INTO work_items (kind, entity_type, entity_id, reasons, status, created_at, updated_at) VALUES ('denial','claim',?,'[]','open',0,0)",
      )
      .run(c.id);
    const w = store.sqlite.prepare('SELECT max(id) FROM work_items').pluck().get() as number;
    followUpClaim(store, w, 'replacement', undefined, 'user:test', postedAt + 4000);
    const aging = await get<{ claims: number }>('/aging');
    expect(aging.body.claims).toBe(before.length - 1);
    const delta = await get<Page>(`/inventory?since=${new Date(postedAt + 4000).toISOString()}`);
    expect(delta.body.items).toEqual([
      expect.objectContaining({
        claim_id: String(c.id),
        status: 'NON_INVOICEABLE',
        patient_balance_cents: 0,
      }),
    ]);
  });

  it('a reversal (CLP02 22) posted later makes the claim NON_INVOICEABLE', async () => {
    const c = owed()[0]!;
    const rem = Number(
      store.sqlite
        .prepare(
          "INSERT INTO remittances (response_id, check_number, payment_cents, status, received_at, posted_at) VALUES (1, 'REV1', 0, 'posted', ?, ?)",
        )
        .run(postedAt + 3000, postedAt + 3000).lastInsertRowid,
    );
    store.sqlite
      .prepare(
        "INSERT INTO remittance_claims (remittance_id, claim_id, pcn, status_code, charge_cents, paid_cents, patient_resp_cents, posted_at) VALUES (?, ?, 'x', '22', 0, 0, ?, ?)",
      )
      .run(rem, c.id, -c.cents, postedAt + 3000);
    store.sqlite
      .prepare('UPDATE claims SET patient_resp_cents = 0, updated_at = ? WHERE id = ?')
      .run(postedAt + 3000, c.id);
    const delta = await get<Page>(`/inventory?since=${new Date(postedAt + 3000).toISOString()}`);
    expect(delta.body.items).toEqual([
      expect.objectContaining({
        claim_id: String(c.id),
        status: 'NON_INVOICEABLE',
        patient_balance_cents: 0,
      }),
    ]);
  });

  it('answers 422 for bad filters and tokens', async () => {
    for (const q of [
      'since=yesterday',
      'since=2026-13-01T00:00:00Z',
      'since=2026-02-30T00:00:00Z',
      'since=2026-11-01T00:00:00',
      'limit=0',
      'limit=1001',
      'limit=ten',
      'limit=-5',
      'page_token=not-a-token',
      `page_token=${Buffer.from('[1,"x"]').toString('base64url')}`,
      'page_token=%2B%2F%3D',
    ])
      expect((await app().request(`/inventory?${q}`)).status, q).toBe(422);
    expect((await app().request('/inventory?since=2026-11-01&limit=1000')).status).toBe(200);
    expect(decodePageToken(encodePageToken({ updatedAt: 5, claimId: 9 }))).toEqual({
      updatedAt: 5,
      claimId: 9,
    });
  });

  it('itemizes a claim: each line balances (charge = paid + adjustments) and the balance is its PR share', async () => {
    const partial = store.sqlite
      .prepare(
        "SELECT id FROM claims WHERE status = 'partially_paid' OR (status = 'paid' AND patient_resp_cents > 0) LIMIT 1",
      )
      .pluck()
      .get() as number;
    const { status, body } = await get<{
      claim_id: string;
      status: string;
      total_charge_cents: number;
      total_paid_cents: number;
      patient_balance_cents: number;
      lines: {
        charge_cents: number;
        paid_cents: number;
        adjustments: { group: string; carc: string; amountCents: number }[];
        patient_responsibility_cents: number;
      }[];
      claim_adjustments: { amountCents: number }[];
      claim_patient_responsibility_cents: number;
    }>(`/invoice-itemization/${partial}`);
    expect(status).toBe(200);
    expect(body.status).toBe('INVOICEABLE');
    expect(body.lines.reduce((s, l) => s + l.charge_cents, 0)).toBe(body.total_charge_cents);
    for (const l of body.lines)
      expect(l.charge_cents).toBe(l.paid_cents + l.adjustments.reduce((s, a) => s + a.amountCents, 0));
    expect(
      body.lines.reduce((s, l) => s + l.patient_responsibility_cents, 0) +
        body.claim_patient_responsibility_cents,
    ).toBe(body.patient_balance_cents);
    const a = store.sqlite.prepare('SELECT event, entity_id FROM audit_log ORDER BY seq DESC LIMIT 1').get();
    expect(a).toEqual({ event: 'PHI_VIEWED', entity_id: String(partial) });
    expect((await app().request('/invoice-itemization/99999')).status).toBe(404);
    expect((await app().request('/invoice-itemization/abc')).status).toBe(400);
  });
});

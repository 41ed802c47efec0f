import { rmSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBillerDb, copyStore, type BillerDb } from '../../../test/helpers/biller-loop.js';
import type { Store } from '../../store/open.js';
import { createRemittanceRoutes } from './remittances.js';

let fixture: BillerDb;
let store: Store;
let dataDir: string;
const NOW = Date.now() + 60_000;

beforeAll(async () => {
  fixture = await buildBillerDb({ encounters: 30 });
}, 30_000);
afterAll(() => fixture.dispose());
beforeEach(() => ({ store, dataDir } = copyStore(fixture)));
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The sub-app behind a stand-in auth guard that signs in "alice". */
function app() {
  const outer = new Hono();
  outer.use('*', async (c, next) => {
    c.set('user' as never, { username: 'alice' } as never);
    await next();
  });
  outer.route('/remittances', createRemittanceRoutes({ store, clock: { now: () => NOW } }));
  return outer;
}
const post = (path: string, body?: unknown) =>
  app().request(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

interface Summary {
  id: number;
  status: string;
  paymentCents: number;
  problems: { code: string; message: string }[];
  totals: {
    claims: number;
    chargeCents: number;
    paidCents: number;
    patientRespCents: number;
    adjustmentCents: number;
  };
}
interface Detail extends Summary {
  claims: {
    claimId: number;
    claimStatus: string;
    chargeCents: number;
    paidCents: number;
    adjustments: { group: string; carc: string; amountCents: number }[];
  }[];
}
const lastAudit = () =>
  store.sqlite
    .prepare('SELECT actor, event, entity_type, entity_id, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
    .get() as {
    actor: string;
    event: string;
    entity_type: string;
    entity_id: string;
    detail: string;
  };

describe('/api/remittances', () => {
  it('lists remittances with totals that match their claims, filtered by status', async () => {
    const res = await app().request('/remittances?status=proposed');
    expect(res.status).toBe(200);
    const { remittances } = (await res.json()) as { remittances: Summary[] };
    expect(remittances.length).toBeGreaterThan(0);
    for (const r of remittances) {
      expect(r.status).toBe('proposed');
      const claims = store.sqlite
        .prepare('SELECT count(*) FROM remittance_claims WHERE remittance_id = ?')
        .pluck()
        .get(r.id);
      expect(r.totals.claims).toBe(claims);
      // 835 balancing: every claim's charge = paid + adjustments, so the totals balance too.
      expect(r.totals.chargeCents).toBe(r.totals.paidCents + r.totals.adjustmentCents);
    }
    const posted = (await (await app().request('/remittances?status=posted')).json()) as {
      remittances: Summary[];
    };
    expect(posted.remittances).toEqual([]);
  });

  it('answers 422 for an unknown status filter and 404/400 for a bad id', async () => {
    expect((await app().request('/remittances?status=paid')).status).toBe(422);
    expect((await app().request('/remittances/999')).status).toBe(404);
    expect((await app().request('/remittances/abc')).status).toBe(400);
  });

  it('shows one remittance with each claim and its CARC adjustments', async () => {
    const d = (await (await app().request('/remittances/1')).json()) as Detail;
    expect(d.claims.length).toBe(d.totals.claims);
    const c = d.claims.find((x) => x.adjustments.length > 0)!;
    expect(c.adjustments[0]).toMatchObject({
      group: expect.stringMatching(/^(CO|PR|OA|PI|CR)$/),
      carc: expect.any(String),
    });
    for (const x of d.claims)
      expect(x.chargeCents).toBe(x.paidCents + x.adjustments.reduce((s, a) => s + a.amountCents, 0));
  });

  it('approve posts a proposed remittance as the signed-in user, then refuses a second approval with 409', async () => {
    const res = await post('/remittances/1/approve');
    expect(res.status).toBe(200);
    const d = (await res.json()) as Detail;
    expect(d.status).toBe('posted');
    expect(d.claims.every((c) => ['paid', 'partially_paid', 'denied'].includes(c.claimStatus))).toBe(true);
    const entry = lastAudit();
    expect(entry).toMatchObject({ actor: 'user:alice', event: 'PAYMENT_POSTED' });
    const again = await post('/remittances/1/approve');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/posted, not awaiting approval/);
    expect((await post('/remittances/404/approve')).status).toBe(404);
  });

  it('reject needs a reason, marks it rejected, audits without the reason text, and blocks approval', async () => {
    expect((await post('/remittances/2/reject', {})).status).toBe(422);
    expect((await post('/remittances/2/reject', { reason: '   ' })).status).toBe(422);
    const res = await post('/remittances/2/reject', { reason: 'Trace number belongs to another practice' });
    expect(res.status).toBe(200);
    const d = (await res.json()) as Detail;
    expect(d.status).toBe('rejected');
    expect(d.problems.at(-1)).toMatchObject({
      code: 'REJECTED_BY_USER',
      message: 'Trace number belongs to another practice',
    });
    const entry = lastAudit();
    expect(entry).toMatchObject({
      actor: 'user:alice',
      event: 'RECORD_CHANGED',
      entity_type: 'remittance',
      entity_id: '2',
    });
    expect(entry.detail).not.toContain('Trace number');
    expect(JSON.parse(entry.detail)).toMatchObject({ from: 'proposed', to: 'rejected' });
    expect((await post('/remittances/2/approve')).status).toBe(409);
    expect((await post('/remittances/2/reject', { reason: 'again' })).status).toBe(409);
    expect(
      store.sqlite
        .prepare("SELECT count(*) FROM claims WHERE status IN ('paid','denied','partially_paid')")
        .pluck()
        .get(),
    ).toBe(0);
  });

  it('reject of a held 835 closes its reconcile work item', async () => {
    store.sqlite.prepare("UPDATE remittances SET status = 'held' WHERE id = 1").run();
    store.sqlite
      .prepare(
        "INSERT INTO work_items (kind, entity_type, entity_id, reasons, status, created_at, updated_at) VALUES ('reconcile','remittance',1,'[]','open',0,0)",
      )
      .run();
    expect((await post('/remittances/1/approve')).status).toBe(409);
    expect((await post('/remittances/1/reject', { reason: 'does not balance' })).status).toBe(200);
    const w = store.sqlite
      .prepare("SELECT status FROM work_items WHERE kind = 'reconcile' AND entity_id = 1")
      .pluck()
      .get();
    expect(w).toBe('done');
  });

  it('reject answers 400 for a body that is not JSON', async () => {
    expect((await app().request('/remittances/1/reject', { method: 'POST', body: '{oops' })).status).toBe(
      400,
    );
  });
});

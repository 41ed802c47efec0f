import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildBillerDb,
  copyStore,
  driveLoop,
  loopConfig,
  type BillerDb,
} from '../../../test/helpers/biller-loop.js';
import { createEngineCoder } from '../../coding/coder.js';
import { defaultConfig } from '../../config.js';
import type { BillingProvider } from '../../domain/types.js';
import { openStore, type Store } from '../../store/open.js';
import { createReviewRoutes, validateCodes } from './review.js';

let fixture: BillerDb;
let store: Store;
let dataDir: string;
const NOW = Date.now() + 60_000;
const practice = defaultConfig().practice;
const billing: BillingProvider = {
  name: practice.name,
  npi: practice.npi,
  taxId: practice.tax_id,
  taxonomy: practice.taxonomy,
  address: practice.address,
  contactName: practice.contact_name,
  contactPhone: practice.contact_phone,
};

/** A charge line whose local code (FT1-7 and FT1-25) no sample table maps. */
const UNMAPPED_FT1 = ['FT1', '9', '', '', '', '', 'CG', 'ZZNOPE^Unknown test^LOCAL', '', '', '1']
  .concat(Array<string>(14).fill(''))
  .concat(['ZZNOPE^Unknown test^LOCAL'])
  .join('|');

// The first three visits carry a procedure the sample tables do not map: coding sends them to review.
beforeAll(async () => {
  fixture = await buildBillerDb({
    encounters: 12,
    mangle: (t, i) => (i < 3 ? `${t.trimEnd()}\r${UNMAPPED_FT1}\r` : t),
  });
}, 30_000);
afterAll(() => fixture.dispose());
beforeEach(() => ({ store, dataDir } = copyStore(fixture)));
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function app() {
  const engine = createEngineCoder(store, { clock: { now: () => NOW } });
  // Mounted at '/' under an /api that already has GET /encounters/:id, as app.ts mounts sub-apps.
  const api = new Hono();
  api.get('/encounters/:id', (c) => c.json({ core: c.req.param('id') }));
  api.route(
    '/',
    createReviewRoutes({ store, clock: { now: () => NOW }, billing, codeSets: engine.codeSets }),
  );
  return new Hono().route('/api', api);
}
const send = (method: string, path: string, body?: unknown) =>
  app().request(`/api${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

interface ReviewList {
  encounters: {
    encounterId: number;
    workItemId: number;
    patientLabel: string;
    reasons: { code: string }[];
  }[];
}
const reviewIds = async () =>
  ((await (await send('GET', '/review')).json()) as ReviewList).encounters.map((e) => e.encounterId);
const enc = (id: number) =>
  store.sqlite.prepare('SELECT status, coded FROM encounters WHERE id = ?').get(id) as {
    status: string;
    coded: string;
  };
const GOOD = {
  diagnoses: ['J02.0'],
  lines: [
    { code: '99213', units: 1, chargeCents: 12500, diagnosisPointers: [1] },
    { code: '87880', modifiers: ['QW'], units: 1, chargeCents: 3000, diagnosisPointers: [1] },
  ],
};

describe('review queue API', () => {
  it('lists encounters in needs_review with their reasons, the open work item, and no full MRN', async () => {
    const res = await send('GET', '/review');
    const body = (await res.json()) as ReviewList;
    expect(body.encounters).toHaveLength(3);
    for (const e of body.encounters) {
      expect(e.reasons.map((r) => r.code)).toContain('PROC_UNMAPPED');
      expect(e.workItemId).toBeGreaterThan(0);
      expect(e.patientLabel).toMatch(/^[A-Z]\.[A-Z]\. …\d{4}$/);
    }
    expect(JSON.stringify(body)).not.toMatch(/DEMO\d{7}/);
  });

  it('ready names the coding reason for a review encounter and passes a claimed one, auditing the PHI view', async () => {
    const [id] = await reviewIds();
    const r = (await (await send('GET', `/encounters/${id}/ready`)).json()) as {
      ready: boolean;
      coding: { ruleId: string }[];
      claims: { claim: { frequency: string }; findings: { severity: string }[] }[];
    };
    expect(r.ready).toBe(false);
    expect(r.coding.map((f) => f.ruleId)).toContain('coding:PROC_UNMAPPED');
    const claimed = store.sqlite
      .prepare("SELECT id FROM encounters WHERE status = 'claimed' LIMIT 1")
      .pluck()
      .get() as number;
    const ok = (await (await send('GET', `/encounters/${claimed}/ready`)).json()) as {
      ready: boolean;
      claims: unknown[];
    };
    expect(ok.claims.length).toBeGreaterThan(0);
    expect(typeof ok.ready).toBe('boolean');
    const a = store.sqlite.prepare('SELECT event, entity_id FROM audit_log ORDER BY seq DESC LIMIT 1').get();
    expect(a).toEqual({ event: 'PHI_VIEWED', entity_id: String(claimed) });
    expect((await send('GET', '/encounters/9999/ready')).status).toBe(404);
    // The core's GET /encounters/:id still answers beside the mounted sub-app.
    expect(await (await send('GET', '/encounters/5')).json()).toEqual({ core: '5' });
  });

  it('PUT codes rejects a bad shape with every problem and its path', async () => {
    const [id] = await reviewIds();
    const res = await send('PUT', `/encounters/${id}/codes`, {
      diagnoses: ['NOTACODE'],
      lines: [{ code: '99213', units: 0, chargeCents: 1.5, diagnosisPointers: [2], modifiers: ['TOOLONG'] }],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path).sort()).toEqual(
      [
        'diagnoses[0]',
        'lines[0].chargeCents',
        'lines[0].diagnosisPointers',
        'lines[0].modifiers',
        'lines[0].units',
      ].sort(),
    );
    expect(enc(id!).status).toBe('needs_review');
    expect((await send('PUT', `/encounters/${id}/codes`, { lines: [] })).status).toBe(422);
  });

  it('PUT codes stores the codes, closes the review item, audits, and the scrub stage takes the encounter on', async () => {
    const [id] = await reviewIds();
    const res = await send('PUT', `/encounters/${id}/codes`, GOOD);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ encounterId: id, status: 'coded', previous: 'needs_review' });
    const coded = JSON.parse(enc(id!).coded) as {
      diagnoses: { code: string }[];
      lines: { code: string; why: unknown[] }[];
      review: unknown[];
    };
    expect(coded.diagnoses.map((d) => d.code)).toEqual(['J020']);
    expect(coded.lines.map((l) => l.code)).toEqual(['99213', '87880']);
    expect(coded.lines[0]!.why).toEqual([{ rule: 'manual', input: 'user:local' }]);
    expect(coded.review).toEqual([]);
    expect(
      store.sqlite
        .prepare(
          "SELECT status FROM work_items WHERE kind = 'review' AND entity_type = 'encounter' AND entity_id = ?",
        )
        .pluck()
        .all(id),
    ).toEqual(['done']);
    expect(
      store.sqlite.prepare('SELECT count(*) FROM charge_items WHERE encounter_id = ?').pluck().get(id),
    ).toBe(2);
    const a = store.sqlite
      .prepare('SELECT actor, event, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as { actor: string; event: string; detail: string };
    expect(a).toMatchObject({ actor: 'user:local', event: 'RECORD_CHANGED' });
    expect(JSON.parse(a.detail)).toMatchObject({
      field: 'codes',
      from: 'needs_review',
      to: 'coded',
      lines: 2,
    });
    expect(await reviewIds()).not.toContain(id);

    store.close();
    await driveLoop(loopConfig(dataDir, false), [], { sandbox: fixture.sandbox });
    store = openStore(join(dataDir, 'claimbox.db'));
    expect(enc(id!).status).toBe('claimed');
    const lines = store.sqlite
      .prepare(
        'SELECT cl.code FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id WHERE c.encounter_id = ? ORDER BY cl.line_number',
      )
      .pluck()
      .all(id);
    expect(lines).toEqual(['99213', '87880']);
  }, 30_000);

  it('release sends the existing codes on as coded, only from needs_review', async () => {
    const [id] = await reviewIds();
    const res = await send('POST', `/encounters/${id}/release`);
    expect(res.status).toBe(200);
    expect(enc(id!).status).toBe('coded');
    expect((JSON.parse(enc(id!).coded) as { review: unknown[] }).review).toEqual([]);
    const a = store.sqlite.prepare('SELECT event, detail FROM audit_log ORDER BY seq DESC LIMIT 1').get() as {
      event: string;
      detail: string;
    };
    expect(JSON.parse(a.detail)).toMatchObject({ released: true, confirmed: ['PROC_UNMAPPED'] });
    expect((await send('POST', `/encounters/${id}/release`)).status).toBe(409);
    const claimed = store.sqlite
      .prepare("SELECT id FROM encounters WHERE status = 'claimed' LIMIT 1")
      .pluck()
      .get() as number;
    expect((await send('POST', `/encounters/${claimed}/release`)).status).toBe(409);
    expect((await send('PUT', `/encounters/${claimed}/codes`, GOOD)).status).toBe(409);
    expect((await send('POST', '/encounters/9999/release')).status).toBe(404);
  });
});

describe('validateCodes', () => {
  it('accepts {code} objects and dotless codes, defaults modifiers, keeps dental fields', () => {
    const v = validateCodes({
      diagnoses: [{ code: 'K02.52' }, 'Z0120'],
      lines: [
        {
          code: 'D2391',
          units: 1,
          chargeCents: 15000,
          diagnosisPointers: [1, 2],
          tooth: '14',
          surfaces: 'MO',
        },
      ],
    });
    expect(v.errors).toEqual([]);
    expect(v.value?.lines[0]).toMatchObject({ modifiers: [], tooth: '14', surfaces: 'MO' });
  });
});

import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBillerDb, copyStore, type BillerDb } from '../../../test/helpers/biller-loop.js';
import { BILLING_EXPORT_HEADER } from '../../pipeline/billing-export.js';
import type { Store } from '../../store/open.js';
import { createExportRoutes } from './exports.js';

let fixture: BillerDb;
let store: Store;
let dataDir: string;

beforeAll(async () => {
  fixture = await buildBillerDb({ encounters: 10 });
}, 30_000);
afterAll(() => fixture.dispose());
beforeEach(() => ({ store, dataDir } = copyStore(fixture)));
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const app = () => createExportRoutes({ store, clock: { now: () => 1_800_000_000_000 } });

describe('/api/exports/charges.csv', () => {
  it('downloads the charge items of a DOS range as an attachment and audits the export', async () => {
    const { lo, hi, n } = store.sqlite
      .prepare(
        'SELECT min(date_of_service) AS lo, max(date_of_service) AS hi, count(*) AS n FROM charge_items',
      )
      .get() as { lo: string; hi: string; n: number };
    const res = await app().request(`/charges.csv?from=${lo}&to=${hi}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="charges-${lo}-to-${hi}.csv"`);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(BILLING_EXPORT_HEADER.join(','));
    expect(lines).toHaveLength(n + 1);
    expect(lines[1]).toMatch(
      /^"[A-Z][a-z]+, [A-Z][a-z]+",DEMO\d{7},"Physicianson, Sam",\d{10},\d{4}-\d{2}-\d{2},\w{5},/,
    );
    const a = store.sqlite
      .prepare('SELECT actor, event, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as {
      actor: string;
      event: string;
      detail: string;
    };
    expect(a).toMatchObject({ actor: 'user:local', event: 'EXPORT' });
    expect(JSON.parse(a.detail)).toEqual({ kind: 'charges.csv', from: lo, to: hi, rows: n });
    expect(a.detail).not.toMatch(/DEMO\d{7}/);
  });

  it('gives only the header for a range with no charges', async () => {
    const res = await app().request('/charges.csv?from=1999-01-01&to=1999-12-31');
    expect(await res.text()).toBe(BILLING_EXPORT_HEADER.join(',') + '\r\n');
  });

  it('answers 422 for missing, malformed, impossible or reversed dates', async () => {
    for (const q of [
      '',
      'from=2026-01-01',
      'from=2026-1-1&to=2026-02-01',
      'from=2026-02-30&to=2026-03-01',
      'from=2026-01-32&to=2026-03-01',
      'from=2026-03-01&to=2026-02-01',
    ])
      expect((await app().request(`/charges.csv?${q}`)).status, q).toBe(422);
  });
});

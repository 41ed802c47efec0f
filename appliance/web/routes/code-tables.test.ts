import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PutResult } from '../../store/code-tables.js';
import { seedTables } from '../../store/code-tables.js';
import { openStore, type Store } from '../../store/open.js';
import { createCodeTablesApp } from './code-tables.js';

let dir: string;
let store: Store;
let changes: PutResult[][];
const app = () =>
  createCodeTablesApp({
    store,
    clock: { now: () => 1000 },
    actorOf: () => 'user:alice',
    onChange: (r) => changes.push(r),
  });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-ctapi-'));
  store = openStore(join(dir, 'claimbox.db'));
  seedTables(store, 'family-medicine');
  changes = [];
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/code-tables', () => {
  it('lists tables with versions and field specs', async () => {
    const res = await app().request('/');
    const body = (await res.json()) as {
      tables: { table: string; version: number; rows: number }[];
      specs: Record<string, unknown>;
    };
    expect(body.tables.find((t) => t.table === 'em_levels')).toMatchObject({ version: 1, rows: 9 });
    expect(Object.keys(body.specs)).toContain('payer_rules');
  });

  it('replaces a table as a new version, audited as the request’s user', async () => {
    const res = await app().request('/fee_schedule', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rows: [{ effectiveFrom: '2021-01-01', value: { schedule: 'STANDARD', code: '99213', cents: 15000 } }],
      }),
    });
    expect(res.status).toBe(200);
    expect(changes[0]![0]).toMatchObject({ table: 'fee_schedule', version: 2, added: 0, changed: 1 });
    const got = (await (await app().request('/fee_schedule')).json()) as {
      version: number;
      rows: { key: string }[];
    };
    expect(got).toMatchObject({ version: 2, rows: [{ key: 'STANDARD:99213' }] });
    const old = (await (await app().request('/fee_schedule?version=1')).json()) as { rows: unknown[] };
    expect(old.rows.length).toBeGreaterThan(20);
    const audit = store.sqlite
      .prepare('SELECT actor, entity_id AS e FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get();
    expect(audit).toEqual({ actor: 'user:alice', e: 'fee_schedule' });
    const hist = (await (await app().request('/fee_schedule/history')).json()) as {
      versions: { version: number }[];
    };
    expect(hist.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('answers 400 with every problem and changes nothing for invalid rows', async () => {
    const res = await app().request('/em_levels', {
      method: 'PUT',
      body: JSON.stringify({ rows: [{ value: { visitType: 'old', code: '99213' } }, { value: {} }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { diagnostics: { message: string }[] };
    expect(body.diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(changes).toEqual([]);
  });

  it('exports CSV and imports it back as a new version', async () => {
    const csv = await (await app().request('/export?format=csv&table=dx_map')).text();
    expect(csv.split('\n')[0]).toBe('key,effective_from,effective_to,fromSystem,fromCode,code,description');
    const edited = csv.replace('LOCAL:HTN,2021-01-01,,LOCAL,HTN,I10', 'LOCAL:HTN,2021-01-01,,LOCAL,HTN,I110');
    const res = await app().request('/import?table=dx_map', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: edited,
    });
    expect(res.status).toBe(200);
    expect(changes[0]![0]).toMatchObject({ table: 'dx_map', version: 2, changed: 1 });
    const json = (await (await app().request('/export?format=json&table=dx_map')).json()) as {
      tables: { dx_map: { key: string; value: { code: string } }[] };
    };
    expect(json.tables.dx_map.find((r) => r.key === 'LOCAL:HTN')!.value.code).toBe('I110');
  });

  it('rejects a CSV import with a bad line and names the line', async () => {
    const res = await app().request('/import?table=fee_schedule', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'key,effective_from,effective_to,schedule,code,cents\n,2021-01-01,,STANDARD,99213,12.5\n',
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/line 2/);
  });

  it('replays a candidate table over stored encounters', async () => {
    const res = await app().request('/replay', {
      method: 'POST',
      body: JSON.stringify({
        from: '2025-01-01',
        to: '2025-12-31',
        tables: { settings: [{ key: 'ehr_charge', value: { value: 'prefer' } }] },
      }),
    });
    expect(await res.json()).toEqual({ examined: 0, changed: [] });
  });

  it('404s an unknown table', async () => {
    expect((await app().request('/nope')).status).toBe(404);
  });
});

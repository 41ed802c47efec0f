import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaimboxError } from '../domain/errors.js';
import { parseTableCsv, parseTableSetJson, formatTableCsv, formatTableSetJson } from '../coding/tables-io.js';
import type { TableRow } from '../coding/tables.js';
import {
  createTablesCache,
  currentRows,
  getTableRows,
  importTables,
  listTables,
  loadCodingTables,
  putTable,
  seedTables,
  tableHistory,
} from './code-tables.js';
import { openStore, type Store } from './open.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-tables-'));
  store = openStore(join(dir, 'claimbox.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const fee = (code: string, cents: number, from = '2021-01-01', to: string | null = null): TableRow => ({
  table: 'fee_schedule',
  key: '',
  effectiveFrom: from,
  effectiveTo: to,
  value: { schedule: 'STANDARD', code, cents },
});

describe('code tables in the database', () => {
  it('seeds the family-medicine set into an empty database, once', () => {
    expect(seedTables(store, 'family-medicine', { now: 1 })).toMatchObject({ seeded: true });
    expect(seedTables(store, 'family-medicine', { now: 2 })).toEqual({ seeded: false, rows: 0 });
    const t = loadCodingTables(store);
    expect(t.fee('STANDARD', '99213', undefined, '2025-01-01')).toBe(14000);
    expect(t.label).toContain('proc_map@1');
    const audit = store.sqlite
      .prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'CODE_TABLE_CHANGED'")
      .get() as { n: number };
    expect(audit.n).toBe(listTables(store).filter((s) => s.version > 0).length);
  });

  it('writes each put as a new version with an audit entry counting the change', () => {
    putTable(store, 'fee_schedule', [fee('99213', 14000), fee('99214', 20000)], {
      actor: 'user:alice',
      now: 10,
    });
    const r = putTable(store, 'fee_schedule', [fee('99213', 15000), fee('99215', 28000)], {
      actor: 'user:bob',
      now: 20,
    });
    expect(r).toMatchObject({ version: 2, previousVersion: 1, added: 1, removed: 1, changed: 1 });
    expect(getTableRows(store, 'fee_schedule').map((x) => x.key)).toEqual([
      'STANDARD:99213',
      'STANDARD:99215',
    ]);
    expect(getTableRows(store, 'fee_schedule', 1).map((x) => x.value.cents)).toEqual([14000, 20000]);
    expect(tableHistory(store, 'fee_schedule').map((h) => [h.version, h.createdBy])).toEqual([
      [2, 'user:bob'],
      [1, 'user:alice'],
    ]);
    const last = store.sqlite
      .prepare('SELECT actor, entity_id AS e, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as {
      actor: string;
      e: string;
      detail: string;
    };
    expect(last).toMatchObject({ actor: 'user:bob', e: 'fee_schedule' });
    expect(JSON.parse(last.detail)).toMatchObject({ added: 1, removed: 1, changed: 1, version: 2 });
  });

  it('rejects invalid rows and overlapping periods, writing nothing', () => {
    const bad = () =>
      putTable(store, 'fee_schedule', [fee('99213', 14000), fee('99213', 15000, '2024-01-01')], {
        actor: 'user:a',
      });
    expect(bad).toThrow(ClaimboxError);
    expect(() =>
      putTable(
        store,
        'em_levels',
        [
          {
            table: 'em_levels',
            key: '',
            effectiveFrom: '2021-01-01',
            effectiveTo: null,
            value: { visitType: 'old', code: '99213' },
          },
        ],
        { actor: 'user:a' },
      ),
    ).toThrow(/visitType must be one of/);
    expect(currentRows(store)).toEqual([]);
  });

  it('keeps effective-dated rows apart', () => {
    putTable(
      store,
      'fee_schedule',
      [fee('99213', 13000, '2021-01-01', '2025-01-01'), fee('99213', 15000, '2025-01-01')],
      { actor: 'user:a' },
    );
    const t = loadCodingTables(store);
    expect(t.fee('STANDARD', '99213', undefined, '2024-12-31')).toBe(13000);
    expect(t.fee('STANDARD', '99213', undefined, '2025-01-01')).toBe(15000);
  });

  it('refreshes cached tables when the table changes, without a query per encounter', () => {
    let now = 0;
    const cache = createTablesCache(store, { clock: { now: () => now }, checkEveryMs: 1000 });
    putTable(store, 'fee_schedule', [fee('99213', 14000)], { actor: 'user:a' });
    const first = cache.get();
    expect(cache.get()).toBe(first);
    putTable(store, 'fee_schedule', [fee('99213', 15000)], { actor: 'user:a' });
    expect(cache.get()).toBe(first);
    now = 1000;
    const second = cache.get();
    expect(second).not.toBe(first);
    expect(second.fee('STANDARD', '99213', undefined, '2025-01-01')).toBe(15000);
  });

  it('round-trips a table through CSV and the whole set through JSON', () => {
    seedTables(store, 'family-medicine');
    const rows = currentRows(store);
    const proc = rows.filter((r) => r.table === 'proc_map');
    const csv = formatTableCsv('proc_map', proc);
    expect(parseTableCsv('proc_map', csv)).toEqual({ value: proc, diagnostics: [] });
    const json = parseTableSetJson(formatTableSetJson(rows));
    expect(json.diagnostics).toEqual([]);
    expect(json.value).toEqual(rows);
    const r = importTables(
      store,
      json.value!.filter((x) => x.table === 'dx_map'),
      { actor: 'user:a', source: 'import:dx.json' },
    );
    expect(r).toEqual([
      expect.objectContaining({ table: 'dx_map', version: 2, added: 0, removed: 0, changed: 0 }),
    ]);
  });

  it('reports a bad CSV row with its line number', () => {
    const csv = 'key,effective_from,effective_to,schedule,code,cents\n,2021-01-01,,STANDARD,99213,abc\n';
    const r = parseTableCsv('fee_schedule', csv);
    expect(r.diagnostics[0]).toMatchObject({ code: 'TABLE_BAD_ROW', position: 2 });
    expect(r.diagnostics[0]!.message).toMatch(/line 2: cents must be a whole number/);
  });
});

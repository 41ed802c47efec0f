import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EncounterInput } from '../domain/types.js';
import { currentRows, seedTables } from '../store/code-tables.js';
import { openStore, type Store } from '../store/open.js';
import { emptyCodeSets } from './engine.js';
import { diffCoded, replayTables } from './replay.js';
import { buildCodingTables } from './tables.js';

const visit = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../test/fixtures/coding/office-visit.json'), 'utf8'),
) as EncounterInput;
let dir: string;
let store: Store;

function insertEncounter(input: EncounterInput, opts: { superseded?: boolean } = {}): number {
  const r = store.sqlite
    .prepare(
      `INSERT INTO encounters (source_system, visit_number, kind, patient_id, date_of_service, status, input, finalized_at, received_at, updated_at, superseded_by)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run(
      input.source.system,
      input.source.visitNumber,
      input.kind,
      1,
      input.dateOfService,
      'coded',
      JSON.stringify(input),
      0,
      0,
      0,
      opts.superseded ? 99 : null,
    );
  return Number(r.lastInsertRowid);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-replay-'));
  store = openStore(join(dir, 'claimbox.db'));
  seedTables(store, 'family-medicine');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('what-if replay', () => {
  it('lists encounters in the date range whose codes a candidate table set would change', () => {
    const a = insertEncounter({
      ...visit,
      source: { system: 'T', visitNumber: 'A' },
      mdm: 'low',
      totalMinutes: undefined,
    });
    const b = insertEncounter({
      ...visit,
      source: { system: 'T', visitNumber: 'B' },
      procedures: [],
      mdm: 'moderate',
    });
    insertEncounter({
      ...visit,
      source: { system: 'T', visitNumber: 'C' },
      dateOfService: '2025-06-01',
      mdm: 'low',
    });
    insertEncounter(
      { ...visit, source: { system: 'T', visitNumber: 'D' }, mdm: 'low' },
      { superseded: true },
    );
    // Candidate: raise the 99213 fee and map LOCAL:CERUMEN to 69209 (irrigation) instead.
    const rows = currentRows(store).map((r) => {
      if (r.table === 'fee_schedule' && r.key === 'STANDARD:99213')
        return { ...r, value: { ...r.value, cents: 15000 } };
      if (r.table === 'proc_map' && r.key === 'LOCAL:CERUMEN')
        return { ...r, value: { ...r.value, code: '69209' } };
      return r;
    });
    const result = replayTables(
      store,
      buildCodingTables(rows, 'candidate'),
      { from: '2025-03-01', to: '2025-03-31' },
      { codeSets: emptyCodeSets },
    );
    expect(result.examined).toBe(2);
    expect(result.changed.map((c) => c.encounterId)).toEqual([a]);
    const change = result.changed[0]!;
    expect(change.before.lines.map((l) => l.code)).toEqual(['99213', '69210']);
    expect(change.after.lines.map((l) => l.code)).toEqual(['99213', '69209']);
    expect(change.differences).toEqual(
      expect.arrayContaining(['69210-LT x1 → 69209-LT x1', '99213 charge 14000 → 15000 cents']),
    );
    expect(result.changed.some((c) => c.encounterId === b)).toBe(false);
  });

  it('reports no change when the candidate equals the live tables', () => {
    insertEncounter(visit);
    const r = replayTables(
      store,
      buildCodingTables(currentRows(store)),
      { from: '2025-01-01', to: '2025-12-31' },
      { codeSets: emptyCodeSets },
    );
    expect(r).toEqual({ examined: 1, changed: [] });
  });

  it('describes review and POS changes', () => {
    const base = { diagnoses: [], lines: [], review: [] };
    expect(
      diffCoded(base, { ...base, review: [{ code: 'FEE_MISSING', message: 'x' }], placeOfService: '11' }),
    ).toEqual(['review + FEE_MISSING', 'POS override (none) → 11']);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCodeSetFile } from '../codesets/import.js';
import type { EncounterInput } from '../domain/types.js';
import { getTableRows, putTable, seedTables } from '../store/code-tables.js';
import { openStore, type Store } from '../store/open.js';
import { createEngineCoder } from './coder.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures');
const visit = JSON.parse(readFileSync(join(FIX, 'coding/office-visit.json'), 'utf8')) as EncounterInput;
let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-coder-'));
  store = openStore(join(dir, 'claimbox.db'));
  seedTables(store, 'family-medicine');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('engine coder for the pipeline', () => {
  it('picks up table edits and code-set imports after its check interval', async () => {
    let now = 0;
    const coder = createEngineCoder(store, { clock: { now: () => now } });
    expect(coder.code(visit).lines[0]!.chargeCents).toBe(20000);
    const fees = getTableRows(store, 'fee_schedule').map((r) =>
      r.key === 'STANDARD:99214' ? { ...r, value: { ...r.value, cents: 21000 } } : r,
    );
    putTable(store, 'fee_schedule', fees, { actor: 'user:a' });
    await importCodeSetFile(store, 'icd10', join(FIX, 'codesets/icd10cm_order_2025.txt'));
    expect(coder.code(visit).lines[0]!.chargeCents).toBe(20000);
    now = 5000;
    const after = coder.code(visit);
    expect(after.lines[0]!.chargeCents).toBe(21000);
    expect(after.diagnoses[0]!.why.map((w) => w.rule)).toContain('icd10.valid');
  });
});

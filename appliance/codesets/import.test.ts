import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaimboxError } from '../domain/errors.js';
import { openStore, type Store } from '../store/open.js';
import { listImports } from '../store/codesets.js';
import { effectiveFromFileName, importCodeSetFile, type ImportProgress } from './import.js';
import { createCodeSets } from './memory.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures/codesets');
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-codesets-'));
  store = openStore(join(dir, 'claimbox.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('code-set import', () => {
  it('derives the release date from published file names', () => {
    expect(effectiveFromFileName('icd10', 'icd10cm_order_2025.txt')).toBe('2024-10-01');
    expect(effectiveFromFileName('hcpcs', 'HCPC2025_APR_ANWEB.txt')).toBe('2025-04-01');
    expect(effectiveFromFileName('mue', 'MCR_MUE_PractitionerServices_2025Q3.csv')).toBe('2025-07-01');
    expect(effectiveFromFileName('ptp', 'ccipra_v311r0_f1.txt')).toBeUndefined();
  });

  it('imports two ICD-10-CM releases and answers validity by date of service', async () => {
    const progress: ImportProgress[] = [];
    const r = await importCodeSetFile(store, 'icd10', join(FIX, 'icd10cm_order_2025.txt'), {
      onProgress: (p) => progress.push(p),
      now: 1,
    });
    expect(r).toMatchObject({ effectiveFrom: '2024-10-01', rows: 21 });
    expect(progress.at(-1)).toMatchObject({ phase: 'write', rows: 21 });
    await importCodeSetFile(store, 'icd10', join(FIX, 'icd10cm_order_2026.txt'), { now: 2 });
    const cs = createCodeSets(store);
    expect(cs.hasIcd10()).toBe(true);
    expect(cs.icd10('R6883', '2025-09-30')).toMatchObject({ billable: true });
    expect(cs.icd10('R6883', '2025-10-01')).toBeUndefined();
    expect(cs.icd10Exists!('R6883')).toBe(true);
    expect(cs.icd10('M545', '2025-09-30')?.billable).toBe(true);
    expect(cs.icd10('M545', '2025-10-01')?.billable).toBe(false);
    expect(cs.icd10Children('J02', '2025-10-01')).toEqual(['J020', 'J028', 'J029']);
    expect(cs.icd10Children('M545', '2025-10-01')).toEqual(['M5450', 'M5459']);
    expect(cs.icd10('I10', '2024-09-30')).toBeUndefined();
    expect(listImports(store).map((i) => [i.kind, i.effectiveFrom, i.effectiveTo])).toEqual([
      ['icd10', '2024-10-01', '2025-10-01'],
      ['icd10', '2025-10-01', null],
    ]);
    const audit = store.sqlite
      .prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'CODE_TABLE_CHANGED'")
      .get() as { n: number };
    expect(audit.n).toBe(2);
  });

  it('imports HCPCS records with continuation lines and term dates', async () => {
    const r = await importCodeSetFile(store, 'hcpcs', join(FIX, 'HCPC2025_JAN_ANWEB.txt'));
    expect(r).toMatchObject({ effectiveFrom: '2025-01-01', rows: 5 });
    const cs = createCodeSets(store);
    expect(cs.hasHcpcs!()).toBe(true);
    expect(cs.hcpcs!('G2212', '2025-03-03')).toBeDefined();
    expect(cs.hcpcs!('G0202', '2014-12-31')).toBeDefined();
    expect(cs.hcpcs!('G0202', '2025-03-03')).toBeUndefined();
    const long = store.sqlite
      .prepare("SELECT long_desc AS d FROM hcpcs_codes WHERE code = 'G2212'")
      .get() as { d: string };
    expect(long.d).toMatch(/beyond required time of the primary procedure; each additional 15 minutes$/);
  });

  it('imports PTP edits after the header lines, honouring deletion dates', async () => {
    await importCodeSetFile(store, 'ptp', join(FIX, 'ccipra_v311r0_f1.txt'), { effective: '2025-01-01' });
    const cs = createCodeSets(store);
    expect(cs.ptp('93000', '93005', '2025-03-03')).toEqual({
      column1: '93000',
      column2: '93005',
      modifierIndicator: '0',
    });
    expect(cs.ptp('69210', '11055', '2022-12-31')?.modifierIndicator).toBe('1');
    expect(cs.ptp('69210', '11055', '2023-01-01')).toBeUndefined();
    expect(cs.ptp('93005', '93000', '2025-03-03')).toBeUndefined();
  });

  it('imports MUE values and add-on codes', async () => {
    await importCodeSetFile(store, 'mue', join(FIX, 'MCR_MUE_PractitionerServices_2025Q1.csv'));
    await importCodeSetFile(store, 'addon', join(FIX, 'AOC_V2025Q1.txt'), { effective: '2025-01-01' });
    const cs = createCodeSets(store);
    expect(cs.mue('J3420', '2025-03-03')).toEqual({ value: 1, adjudicationIndicator: '3' });
    expect(cs.mue('J3420', '2024-12-31')).toBeUndefined();
    expect(cs.addonPrimaries('99417')).toEqual(['99205', '99215']);
    expect(cs.addonPrimaries('99354')).toBeUndefined();
    expect(cs.addonPrimaries('99152')).toEqual([]);
    expect(cs.addonPrimaries('99213')).toBeUndefined();
  });

  it.each([
    ['icd10', 'icd10cm_order_malformed.txt', 4],
    ['hcpcs', 'HCPC2025_JAN_malformed.txt', 4],
    ['ptp', 'ccipra_malformed.txt', 9],
    ['mue', 'mue_malformed.csv', 6],
  ] as const)('stops a malformed %s file at its bad line and writes nothing', async (kind, file, line) => {
    const err = await importCodeSetFile(store, kind, join(FIX, file), { effective: '2025-01-01' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClaimboxError);
    expect((err as ClaimboxError).code).toBe('CODESET_MALFORMED');
    expect((err as ClaimboxError).message).toContain(`line ${line}:`);
    expect(listImports(store)).toEqual([]);
  });

  it('asks for the effective date when the file name does not give it', async () => {
    const err = await importCodeSetFile(store, 'ptp', join(FIX, 'ccipra_v311r0_f1.txt')).catch(
      (e: unknown) => e,
    );
    expect((err as ClaimboxError).code).toBe('CODESET_NO_EFFECTIVE_DATE');
  });
});

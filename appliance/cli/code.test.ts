// The verbs as an operator runs them: a real process, a real database in a temp data dir.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTables } from '../store/code-tables.js';
import { openStore } from '../store/open.js';

const ROOT = resolve(import.meta.dirname, '../..');
let dataDir: string;
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'appliance/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CLAIMBOX_DATA_DIR: dataDir, CLAIMBOX_CONFIG: '' },
  });

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claimbox-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('claimbox code and codes', () => {
  it('codes one JSON encounter and prints codes with reasons, storing nothing', () => {
    const r = run('code', 'test/fixtures/coding/office-visit.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/99214-25\s+x1\s+\$200\.00/);
    expect(r.stdout).toMatch(/em\.higher-of-mdm-or-time/);
    expect(r.stdout).toMatch(/Status: coded/);
  });

  it('prints JSON and exits 2 when the encounter needs review', () => {
    const r = run('code', 'test/fixtures/coding/office-visit.json', '--payer', 'NOBODY', '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).review[0].code).toBe('PAYER_UNKNOWN');
  });

  it('codes an HL7 DFT^P03 through the configured intake profile', () => {
    const r = run('code', 'test/fixtures/coding/office-visit.hl7');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Encounter DEMOEHR\/V00000003/);
    expect(r.stdout).toMatch(/87880\s+x1\s+\$25\.00/);
  });

  it('imports a code set, and stops a malformed one naming the line', () => {
    const ok = run('codes', 'import', 'icd10', 'test/fixtures/codesets/icd10cm_order_2025.txt');
    expect(ok.stdout).toMatch(/imported icd10 icd10cm_order_2025\.txt: 21 rows/);
    const bad = run(
      'codes',
      'import',
      'mue',
      'test/fixtures/codesets/mue_malformed.csv',
      '--effective',
      '2025-01-01',
    );
    expect(bad.status).toBe(65);
    expect(bad.stderr).toMatch(/mue line 6: MUE value "one" is not a whole number/);
    const coded = run('code', 'test/fixtures/coding/office-visit.json');
    expect(coded.stdout).toMatch(/icd10\.valid/);
  });
});

describe('claimbox code replay and compare', () => {
  beforeAll(() => {
    const store = openStore(join(dataDir, 'claimbox.db'));
    seedTables(store, 'family-medicine');
    const input = readFileSync(join(ROOT, 'test/fixtures/coding/office-visit.json'), 'utf8');
    store.sqlite
      .prepare(
        `INSERT INTO encounters (source_system, visit_number, kind, patient_id, date_of_service, status, input, finalized_at, received_at, updated_at)
         VALUES ('SAMPLE-EHR', 'V-TEST-0001', 'medical', 1, '2025-03-03', 'coded', ?, 0, 0, 0)`,
      )
      .run(input);
    store.close();
  });

  it('lists the encounters a changed fee schedule would change', () => {
    const cand = join(dataDir, 'candidate');
    mkdirSync(cand, { recursive: true });
    const fees = readFileSync(join(ROOT, 'ops/tables/family-medicine/fee_schedule.csv'), 'utf8').replace(
      ',STANDARD,99214,,20000',
      ',STANDARD,99214,,21000',
    );
    writeFileSync(join(cand, 'fee_schedule.csv'), fees);
    const r = run('code', 'replay', '--tables', cand, '--from', '2025-03-01', '--to', '2025-03-31');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/1 encounter\(s\) from 2025-03-01 to 2025-03-31; 1 would change/);
    expect(r.stdout).toMatch(/99214 charge 20000 → 21000 cents/);
  });

  it('prints the parallel-testing report from human codes on the encounters', () => {
    const r = run('code', 'compare', '--from', '2025-03-01', '--to', '2025-03-31');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /1 encounter\(s\); all codes match on 1 \(100\.0%; target 95\.0%\) MEETS TARGET/,
    );
    expect(r.stdout).toMatch(/Sampledoc \(1234567893\)/);
  });

  it('exports the live tables as one CSV per table', () => {
    const out = join(dataDir, 'export');
    const r = run('code', 'tables', 'export', out);
    expect(r.stdout).toMatch(/wrote 8 table file\(s\)/);
    expect(readFileSync(join(out, 'em_levels.csv'), 'utf8').split('\n')[0]).toBe(
      'key,effective_from,effective_to,visitType,code,mdm,minMinutes,nurse',
    );
  });
});

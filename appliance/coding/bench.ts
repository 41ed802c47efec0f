// `claimbox bench` rows for coding: encounters coded per second with tables in memory (issue 8
// target: at least 20,000/s). Medians of several rounds over a varied synthetic batch.
import type { EncounterInput } from '../domain/types.js';
import type { CodeSets, PtpEdit } from '../ports.js';
import { codeEncounter } from './engine.js';
import { readTableSetDir, tableSetDir } from './table-files.js';
import { buildCodingTables, type CodingTables } from './tables.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const PAYERS = ['SAMPLE-MCR', 'SAMPLE-MCD', 'SAMPLE-PPO', 'SAMPLE-HMO'];
const MDM = ['straightforward', 'low', 'moderate', 'high'] as const;
const PROCS = ['FLUVAX', 'VACADMIN', 'VENIPUNCT', 'UA', 'STREP', 'EKG', 'WART', 'CORN', 'IMINJ', 'B12'];
const DX = ['HTN', 'DM2', 'HLD', 'URI', 'STREPTHROAT', 'PHYSICAL'];

/** A deterministic mix of office visits: new/established, MDM and/or time, telehealth, procedures. */
export function syntheticMedicalEncounters(n: number): EncounterInput[] {
  const out: EncounterInput[] = [];
  for (let i = 0; i < n; i++) {
    const procs = Array.from({ length: i % 3 }, (_, k) => ({
      system: 'LOCAL' as const,
      code: PROCS[(i + k * 7) % PROCS.length]!,
    }));
    out.push({
      kind: 'medical',
      source: { system: 'BENCH', visitNumber: `V${i}` },
      patient: { mrn: `BENCH${i}`, lastName: 'Testpatient', firstName: 'Bench', dob: '1970-01-01', sex: 'U' },
      coverages: [
        {
          order: 1,
          payerId: PAYERS[i % PAYERS.length]!,
          payerName: 'Sample',
          memberId: `M${i}`,
          relationship: 'self',
        },
      ],
      rendering: { npi: '1234567893', lastName: 'Sampledoc' },
      dateOfService: '2025-03-03',
      placeOfService: i % 10 === 0 ? '10' : '11',
      visitType: i % 4 === 0 ? 'new' : 'established',
      ...(i % 5 !== 0 ? { mdm: MDM[i % 4]! } : {}),
      ...(i % 2 === 0 ? { totalMinutes: 10 + ((i * 7) % 90) } : {}),
      diagnoses: [
        { seq: 1, system: 'LOCAL', code: DX[i % DX.length]! },
        { seq: 2, system: 'ICD10', code: 'E11.9' },
      ],
      procedures: procs,
      finalizedAt: '2025-03-03T12:00:00Z',
    });
  }
  return out;
}

export function syntheticDentalEncounters(n: number): EncounterInput[] {
  const teeth = ['3', '8', '14', '19', '30', 'A', 'E', 'K'];
  const surf = ['O', 'MO', 'MOD', 'MODB', 'L', 'DL'];
  return Array.from({ length: n }, (_, i): EncounterInput => ({
    kind: 'dental',
    source: { system: 'BENCH', visitNumber: `D${i}` },
    patient: { mrn: `BENCHD${i}`, lastName: 'Testpatient', firstName: 'Dental', dob: '1980-01-01', sex: 'U' },
    coverages: [
      { order: 1, payerId: 'SAMPLE-DENTAL', payerName: 'Sample', memberId: `M${i}`, relationship: 'self' },
    ],
    rendering: { npi: '1234567893', lastName: 'Sampledentist' },
    dateOfService: '2025-03-03',
    placeOfService: '11',
    diagnoses: [],
    procedures: [
      { system: 'LOCAL', code: 'PERIOEXAM' },
      { system: 'LOCAL', code: 'PROPHY' },
      { system: 'LOCAL', code: 'COMP', tooth: teeth[i % teeth.length]!, surfaces: surf[i % surf.length]! },
    ],
    finalizedAt: '2025-03-03T12:00:00Z',
  }));
}

/** A code-set stand-in with realistic map sizes for the lookups the engine makes. */
function benchCodeSets(): CodeSets {
  const ptp = new Map<string, PtpEdit>([
    ['11055|99213', { column1: '11055', column2: '99213', modifierIndicator: '1' }],
  ]);
  return {
    hasIcd10: () => true,
    icd10: (code) => ({ code, billable: true, description: 'Bench code' }),
    icd10Exists: () => true,
    icd10Children: () => [],
    ptp: (a, b) => ptp.get(`${a}|${b}`),
    hasPtp: () => true,
    mue: () => ({ value: 4, adjudicationIndicator: '2' }),
    addonPrimaries: () => undefined,
  };
}

function loadSet(name: string): CodingTables {
  const r = readTableSetDir(tableSetDir(name));
  return buildCodingTables(r.value ?? [], name);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function rate(encs: EncounterInput[], tables: CodingTables, cs: CodeSets, rounds: number): number {
  for (const e of encs.slice(0, 500)) codeEncounter(e, tables, cs); // warm up the JIT
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const e of encs) codeEncounter(e, tables, cs);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(encs.length / s);
  }
  return Math.round(median(rates));
}

export function benchCoding(opts: { encounters?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const n = opts.encounters ?? 20_000;
  const rounds = opts.rounds ?? 5;
  const t0 = process.hrtime.bigint();
  const fm = loadSet('family-medicine');
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const dent = loadSet('general-dentistry');
  const cs = benchCodeSets();
  return Promise.resolve([
    {
      name: 'coding.medical_encounters_per_s',
      value: rate(syntheticMedicalEncounters(n), fm, cs, rounds),
      unit: 'encounters/s',
      note: `median of ${rounds} rounds x ${n}; office visits with MDM/time, 0-2 procedures; target >= 20000`,
    },
    {
      name: 'coding.dental_encounters_per_s',
      value: rate(syntheticDentalEncounters(n), dent, cs, rounds),
      unit: 'encounters/s',
      note: `median of ${rounds} rounds x ${n}; exam, prophy, composite by surfaces`,
    },
    {
      name: 'coding.table_set_load_ms',
      value: Math.round(loadMs * 10) / 10,
      unit: 'ms',
      note: 'parse + build family-medicine sample set',
    },
  ]);
}

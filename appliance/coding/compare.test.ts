import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CodedEncounter, EncounterInput } from '../domain/types.js';
import {
  compareCoding,
  compareOne,
  formatCompareReport,
  humanFromEncounter,
  parseHumanCodesCsv,
  providerLabel,
} from './compare.js';
import { codeEncounter, emptyCodeSets } from './engine.js';
import { readTableSetDir, tableSetDir } from './table-files.js';
import { buildCodingTables } from './tables.js';

const tables = buildCodingTables(readTableSetDir(tableSetDir('family-medicine')).value!);
const visit = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../test/fixtures/coding/office-visit.json'), 'utf8'),
) as EncounterInput;
const coded = (
  lines: [string, string[]][],
  dx: string[] = ['I10'],
  review: string[] = [],
): CodedEncounter => ({
  diagnoses: dx.map((code) => ({ code, why: [] })),
  lines: lines.map(([code, modifiers]) => ({
    code,
    modifiers,
    units: 1,
    chargeCents: 0,
    diagnosisPointers: [1],
    dateOfService: '2025-03-03',
    why: [],
  })),
  review: review.map((code) => ({ code, message: code })),
});

describe('parallel-testing comparison', () => {
  it('reads the human codes carried on the encounter', () => {
    expect(humanFromEncounter(visit)).toEqual({
      lines: [
        { code: '99214', modifiers: ['25'] },
        { code: '69210', modifiers: ['LT'] },
      ],
      diagnoses: [],
    });
    expect(providerLabel(visit)).toBe('Sampledoc (1234567893)');
  });

  it('matches the engine and the coder on the sample visit', () => {
    const engine = codeEncounter(visit, tables, emptyCodeSets);
    const r = compareOne(engine, humanFromEncounter(visit)!);
    expect(r).toEqual({ matched: { em: true, procedure: true, diagnosis: undefined }, reasons: [] });
  });

  it('explains E/M level, procedure, modifier and diagnosis differences', () => {
    const r = compareOne(
      coded(
        [
          ['99214', []],
          ['93000', []],
        ],
        ['I10', 'E119'],
      ),
      {
        lines: [
          { code: '99213', modifiers: [] },
          { code: '36415', modifiers: [] },
        ],
        diagnoses: ['I10'],
      },
    );
    expect(r.matched).toEqual({ em: false, procedure: false, diagnosis: false });
    expect(r.reasons).toEqual([
      'E/M: engine 99214 vs human 99213 (engine higher)',
      'Procedure: human coded 36415, engine did not',
      'Procedure: engine added 93000',
      'Diagnosis: engine added E11.9',
    ]);
    const mods = compareOne(
      coded([
        ['99213', ['25']],
        ['11055', []],
      ]),
      {
        lines: [
          { code: '99213', modifiers: [] },
          { code: '11055', modifiers: [] },
        ],
        diagnoses: [],
      },
    );
    expect(mods.reasons).toEqual(['Modifiers on 99213: engine 25 vs human (none)']);
  });

  it('reports match rate per code type, per provider, and the top reasons', () => {
    const h = (code: string) => ({ lines: [{ code, modifiers: [] }], diagnoses: ['I10'] });
    const report = compareCoding([
      { encounterId: 1, provider: 'Alpha', engine: coded([['99213', []]]), human: h('99213') },
      { encounterId: 2, provider: 'Alpha', engine: coded([['99214', []]]), human: h('99213') },
      { encounterId: 3, provider: 'Beta', engine: coded([['99214', []]]), human: h('99213') },
      { encounterId: 4, provider: 'Beta', engine: coded([['99212', []]], ['J069']), human: h('99212') },
    ]);
    expect(report.overall).toEqual({ compared: 4, matched: 1, rate: 0.25 });
    expect(report.byType.em).toEqual({ compared: 4, matched: 2, rate: 0.5 });
    expect(report.byType.diagnosis).toEqual({ compared: 4, matched: 3, rate: 0.75 });
    expect(report.byType.procedure).toEqual({ compared: 0, matched: 0, rate: 1 });
    expect(report.byProvider).toEqual([
      { provider: 'Beta', compared: 2, matched: 0, rate: 0 },
      { provider: 'Alpha', compared: 2, matched: 1, rate: 0.5 },
    ]);
    expect(report.topReasons[0]).toEqual({
      reason: 'E/M: engine 99214 vs human 99213 (engine higher)',
      count: 2,
      encounterIds: [2, 3],
    });
    const text = formatCompareReport(report);
    expect(text).toMatch(/BELOW TARGET/);
    expect(text).toMatch(/E\/M\s+50\.0%\s+\(2\/4\)/);
  });

  it('imports human codes from a CSV', () => {
    const r = parseHumanCodesCsv(
      'visit_number,type,code,modifiers,provider\nV1,em,99213,25,Alpha\nV1,diagnosis,I10,,Alpha\nV1,bogus,X,,\n',
    );
    expect(r.value!.get('V1')).toEqual({
      lines: [{ code: '99213', modifiers: ['25'] }],
      diagnoses: ['I10'],
      provider: 'Alpha',
    });
    expect(r.diagnostics[0]).toMatchObject({ code: 'HUMAN_CSV_ROW', position: 4 });
  });
});

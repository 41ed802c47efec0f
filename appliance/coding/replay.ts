// What-if replay (issue 8 "Trying rules before trusting them"): run a candidate table set over past
// encounters and list every encounter whose codes would change, before the change goes live.
import type { CodedEncounter, EncounterInput } from '../domain/types.js';
import type { CodeSets } from '../ports.js';
import { createCodeSets } from '../codesets/memory.js';
import { listEncountersForCoding, loadCodingTables } from '../store/code-tables.js';
import type { Store } from '../store/open.js';
import { codeEncounter } from './engine.js';
import type { CodingTables } from './tables.js';

export interface ReplayChange {
  encounterId: number;
  dateOfService: string;
  before: CodedEncounter;
  after: CodedEncounter;
  /** What changed, in a biller's words: "99213 → 99214", "+ 99417 x1", "review + EM_CONFLICT". */
  differences: string[];
}

export interface ReplayResult {
  examined: number;
  changed: ReplayChange[];
}

const lineSig = (l: CodedEncounter['lines'][number]) =>
  `${l.code}${l.modifiers.length ? `-${l.modifiers.join(':')}` : ''} x${l.units}`;

/** The differences that matter for billing between two codings of one encounter (empty = same). */
export function diffCoded(before: CodedEncounter, after: CodedEncounter): string[] {
  const out: string[] = [];
  const bd = before.diagnoses.map((d) => d.code).join(',');
  const ad = after.diagnoses.map((d) => d.code).join(',');
  if (bd !== ad) out.push(`diagnoses ${bd || '(none)'} → ${ad || '(none)'}`);
  const bl = before.lines.map(lineSig);
  const al = after.lines.map(lineSig);
  const removed = bl.filter((x) => !al.includes(x));
  const added = al.filter((x) => !bl.includes(x));
  if (removed.length === 1 && added.length === 1) out.push(`${removed[0]} → ${added[0]}`);
  else {
    for (const r of removed) out.push(`- ${r}`);
    for (const a of added) out.push(`+ ${a}`);
  }
  before.lines.forEach((b, i) => {
    const a = after.lines[i];
    if (!a || lineSig(a) !== lineSig(b)) return;
    if (a.chargeCents !== b.chargeCents)
      out.push(`${a.code} charge ${b.chargeCents} → ${a.chargeCents} cents`);
    if (a.diagnosisPointers.join(',') !== b.diagnosisPointers.join(','))
      out.push(`${a.code} pointers ${b.diagnosisPointers.join(',')} → ${a.diagnosisPointers.join(',')}`);
    if (
      (a.tooth ?? '') + (a.surfaces ?? '') + (a.area ?? '') !==
      (b.tooth ?? '') + (b.surfaces ?? '') + (b.area ?? '')
    )
      out.push(`${a.code} tooth/surfaces/area changed`);
  });
  const br = new Set(before.review.map((r) => r.code));
  const ar = new Set(after.review.map((r) => r.code));
  for (const c of ar) if (!br.has(c)) out.push(`review + ${c}`);
  for (const c of br) if (!ar.has(c)) out.push(`review - ${c}`);
  if ((before.placeOfService ?? '') !== (after.placeOfService ?? ''))
    out.push(`POS override ${before.placeOfService ?? '(none)'} → ${after.placeOfService ?? '(none)'}`);
  return out;
}

/** Pure core: code each encounter with both table sets and keep the ones that differ. */
export function replayEncounters(
  encounters: readonly { id: number; dateOfService: string; input: EncounterInput }[],
  current: CodingTables,
  candidate: CodingTables,
  codeSets: CodeSets,
): ReplayResult {
  const changed: ReplayChange[] = [];
  for (const e of encounters) {
    const before = codeEncounter(e.input, current, codeSets);
    const after = codeEncounter(e.input, candidate, codeSets);
    const differences = diffCoded(before, after);
    if (differences.length > 0)
      changed.push({ encounterId: e.id, dateOfService: e.dateOfService, before, after, differences });
  }
  return { examined: encounters.length, changed };
}

/**
 * Replay stored encounters with a date of service in [from, to] under the live tables and under
 * `candidateTables`. Reads only; nothing is stored.
 */
export function replayTables(
  store: Store,
  candidateTables: CodingTables,
  range: { from: string; to: string },
  opts: { codeSets?: CodeSets; currentTables?: CodingTables } = {},
): ReplayResult {
  const encounters = listEncountersForCoding(store, range);
  return replayEncounters(
    encounters,
    opts.currentTables ?? loadCodingTables(store),
    candidateTables,
    opts.codeSets ?? createCodeSets(store),
  );
}

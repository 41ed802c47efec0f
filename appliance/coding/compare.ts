// Parallel-testing mode (issue 8): before go-live the engine runs beside the practice's coders. For
// each encounter, the codes a person assigned are set next to the engine's, and the report gives the
// match rate per code type, per provider, and the most common reasons they differ (target 95%).
import type { CodedEncounter, Diagnostic, EncounterInput, Parsed } from '../domain/types.js';
import { EM_CODE, dotted } from './engine.js';
import { parseCsv } from './tables-io.js';

export type CodeType = 'em' | 'procedure' | 'diagnosis';
export const CODE_TYPES: readonly CodeType[] = ['em', 'procedure', 'diagnosis'];
const TYPE_LABEL: Record<CodeType, string> = { em: 'E/M', procedure: 'Procedure', diagnosis: 'Diagnosis' };
/** Prolonged-visit add-ons count as part of the E/M choice. */
const EM_FAMILY = (code: string) => EM_CODE.test(code) || code === '99417' || code === 'G2212';

export interface HumanLine {
  code: string;
  modifiers: string[];
}
export interface HumanCoding {
  lines: HumanLine[];
  diagnoses: string[];
}

export interface ComparePair {
  encounterId: number | string;
  provider: string;
  engine: CodedEncounter;
  human: HumanCoding;
}

export interface RateRow {
  compared: number;
  matched: number;
  rate: number;
}

export interface CompareReport {
  encounters: number;
  overall: RateRow;
  byType: Record<CodeType, RateRow>;
  byProvider: (RateRow & { provider: string })[];
  topReasons: { reason: string; count: number; encounterIds: (number | string)[] }[];
  target: number;
}

/** The codes a person assigned, as carried on the encounter (ProcedureInput/DiagnosisInput.humanCoded). */
export function humanFromEncounter(enc: EncounterInput): HumanCoding | undefined {
  const lines = enc.procedures
    .filter((p) => p.humanCoded)
    .map((p) => ({
      code: p.code.trim().toUpperCase(),
      modifiers: (p.modifiers ?? []).map((m) => m.toUpperCase()),
    }));
  const diagnoses = enc.diagnoses
    .filter((d) => d.humanCoded && d.system === 'ICD10')
    .map((d) => d.code.replace(/\./g, '').trim().toUpperCase());
  return lines.length === 0 && diagnoses.length === 0 ? undefined : { lines, diagnoses };
}

export function providerLabel(enc: EncounterInput): string {
  return `${enc.rendering.lastName} (${enc.rendering.npi})`;
}

/**
 * Human codes imported from a CSV (e.g. the EHR's charge export). Header names the columns:
 * visit_number, type (em | procedure | diagnosis), code, modifiers (colon-separated), provider.
 */
export function parseHumanCodesCsv(text: string): Parsed<Map<string, HumanCoding & { provider?: string }>> {
  const diagnostics: Diagnostic[] = [];
  const rows = parseCsv(text);
  const header = rows.shift();
  const out = new Map<string, HumanCoding & { provider?: string }>();
  if (!header) return { value: out, diagnostics };
  const cols = header.cells.map((c) => c.trim().toLowerCase());
  const idx = (n: string) => cols.indexOf(n);
  for (const need of ['visit_number', 'type', 'code'])
    if (idx(need) < 0)
      diagnostics.push({
        code: 'HUMAN_CSV_COLUMN',
        message: `missing column ${need}`,
        severity: 'error',
        position: header.line,
      });
  if (diagnostics.length > 0) return { value: undefined, diagnostics };
  for (const r of rows) {
    const get = (n: string) => (idx(n) >= 0 ? (r.cells[idx(n)] ?? '').trim() : '');
    const visit = get('visit_number');
    const type = get('type').toLowerCase();
    const code = get('code').replace(/\./g, '').toUpperCase();
    if (!visit || !code || !['em', 'procedure', 'diagnosis'].includes(type)) {
      diagnostics.push({
        code: 'HUMAN_CSV_ROW',
        message: `line ${r.line}: needs visit_number, type em|procedure|diagnosis and code`,
        severity: 'error',
        position: r.line,
      });
      continue;
    }
    let h = out.get(visit);
    if (!h) out.set(visit, (h = { lines: [], diagnoses: [] }));
    const provider = get('provider');
    if (provider) h.provider = provider;
    if (type === 'diagnosis') h.diagnoses.push(code);
    else
      h.lines.push({
        code,
        modifiers: get('modifiers')
          .split(/[:;, ]+/)
          .map((m) => m.toUpperCase())
          .filter(Boolean),
      });
  }
  return { value: out, diagnostics };
}

const sortedJoin = (xs: string[]) => [...xs].sort().join(',');

function typeOf(code: string): CodeType {
  return EM_FAMILY(code) ? 'em' : 'procedure';
}

/** Compare one encounter: per type, matched or not, and the reasons it is not. */
export function compareOne(
  engine: CodedEncounter,
  human: HumanCoding,
): { matched: Record<CodeType, boolean | undefined>; reasons: string[] } {
  const reasons: string[] = [];
  const matched: Record<CodeType, boolean | undefined> = {
    em: undefined,
    procedure: undefined,
    diagnosis: undefined,
  };
  for (const type of ['em', 'procedure'] as const) {
    const e = engine.lines.filter((l) => typeOf(l.code) === type);
    const h = human.lines.filter((l) => typeOf(l.code) === type);
    if (e.length === 0 && h.length === 0) continue;
    const ec = e.map((l) => l.code);
    const hc = h.map((l) => l.code);
    let ok = sortedJoin(ec) === sortedJoin(hc);
    if (ok) {
      // Same codes: compare modifiers code by code.
      for (const l of e) {
        const other = h.find((x) => x.code === l.code);
        if (other && sortedJoin(other.modifiers) !== sortedJoin(l.modifiers)) {
          ok = false;
          reasons.push(
            `Modifiers on ${l.code}: engine ${l.modifiers.join(' ') || '(none)'} vs human ${other.modifiers.join(' ') || '(none)'}`,
          );
        }
      }
    } else if (type === 'em') {
      const eMain = ec.find((c) => EM_CODE.test(c));
      const hMain = hc.find((c) => EM_CODE.test(c));
      if (eMain && hMain && eMain !== hMain) {
        const dir =
          eMain.slice(0, 4) === hMain.slice(0, 4)
            ? eMain > hMain
              ? 'higher'
              : 'lower'
            : 'different category';
        reasons.push(`E/M: engine ${eMain} vs human ${hMain} (engine ${dir})`);
      } else if (!eMain && hMain) reasons.push(`E/M: human coded ${hMain}, engine none`);
      else if (eMain && !hMain) reasons.push(`E/M: engine coded ${eMain}, human none`);
      for (const c of ec.filter((x) => !EM_CODE.test(x) && !hc.includes(x)))
        reasons.push(`E/M: engine added ${c}`);
      for (const c of hc.filter((x) => !EM_CODE.test(x) && !ec.includes(x)))
        reasons.push(`E/M: human coded ${c}, engine did not`);
    } else {
      for (const c of hc.filter((x) => !ec.includes(x)))
        reasons.push(`Procedure: human coded ${c}, engine did not`);
      for (const c of ec.filter((x) => !hc.includes(x))) reasons.push(`Procedure: engine added ${c}`);
      if (reasons.length === 0) reasons.push('Procedure: unit lines differ');
    }
    matched[type] = ok;
  }
  const ed = engine.diagnoses.map((d) => d.code);
  if (ed.length > 0 || human.diagnoses.length > 0) {
    if (human.diagnoses.length === 0) matched.diagnosis = undefined;
    else {
      const ok = sortedJoin([...new Set(ed)]) === sortedJoin([...new Set(human.diagnoses)]);
      matched.diagnosis = ok;
      if (!ok) {
        for (const c of human.diagnoses.filter((x) => !ed.includes(x)))
          reasons.push(`Diagnosis: human coded ${dotted(c)}, engine did not`);
        for (const c of ed.filter((x) => !human.diagnoses.includes(x)))
          reasons.push(`Diagnosis: engine added ${dotted(c)}`);
      }
    }
  }
  if (reasons.length > 0) for (const r of engine.review) reasons.push(`Engine sent to review: ${r.code}`);
  return { matched, reasons };
}

const rate = (matched: number, compared: number): RateRow => ({
  compared,
  matched,
  rate: compared === 0 ? 1 : Math.round((matched / compared) * 10000) / 10000,
});

export function compareCoding(
  pairs: readonly ComparePair[],
  opts: { top?: number; target?: number } = {},
): CompareReport {
  const byType: Record<CodeType, { c: number; m: number }> = {
    em: { c: 0, m: 0 },
    procedure: { c: 0, m: 0 },
    diagnosis: { c: 0, m: 0 },
  };
  const byProvider = new Map<string, { c: number; m: number }>();
  const reasons = new Map<string, { count: number; ids: (number | string)[] }>();
  let overallMatched = 0;
  for (const p of pairs) {
    const r = compareOne(p.engine, p.human);
    let all = true;
    for (const t of CODE_TYPES) {
      const v = r.matched[t];
      if (v === undefined) continue;
      byType[t].c++;
      if (v) byType[t].m++;
      else all = false;
    }
    if (all) overallMatched++;
    const pv = byProvider.get(p.provider) ?? { c: 0, m: 0 };
    pv.c++;
    if (all) pv.m++;
    byProvider.set(p.provider, pv);
    for (const reason of new Set(r.reasons)) {
      const e = reasons.get(reason) ?? { count: 0, ids: [] };
      e.count++;
      if (e.ids.length < 5) e.ids.push(p.encounterId);
      reasons.set(reason, e);
    }
  }
  return {
    encounters: pairs.length,
    overall: rate(overallMatched, pairs.length),
    byType: {
      em: rate(byType.em.m, byType.em.c),
      procedure: rate(byType.procedure.m, byType.procedure.c),
      diagnosis: rate(byType.diagnosis.m, byType.diagnosis.c),
    },
    byProvider: [...byProvider.entries()]
      .map(([provider, v]) => ({ provider, ...rate(v.m, v.c) }))
      .sort((a, b) => a.rate - b.rate || a.provider.localeCompare(b.provider)),
    topReasons: [...reasons.entries()]
      .map(([reason, v]) => ({ reason, count: v.count, encounterIds: v.ids }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, opts.top ?? 10),
    target: opts.target ?? 0.95,
  };
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

export function formatCompareReport(r: CompareReport): string {
  const lines = [
    `Parallel test: ${r.encounters} encounter(s); all codes match on ${r.overall.matched} (${pct(r.overall.rate)}; target ${pct(r.target)}) ${r.overall.rate >= r.target ? 'MEETS TARGET' : 'BELOW TARGET'}`,
    '',
    'Match rate by code type:',
    ...CODE_TYPES.map(
      (t) =>
        `  ${TYPE_LABEL[t].padEnd(10)} ${pct(r.byType[t].rate).padStart(6)}  (${r.byType[t].matched}/${r.byType[t].compared})`,
    ),
    '',
    'Match rate by provider:',
    ...r.byProvider.map(
      (p) => `  ${p.provider.padEnd(32)} ${pct(p.rate).padStart(6)}  (${p.matched}/${p.compared})`,
    ),
    '',
    'Top discrepancy reasons:',
    ...(r.topReasons.length === 0
      ? ['  (none)']
      : r.topReasons.map(
          (x) =>
            `  ${String(x.count).padStart(5)}  ${x.reason}  [e.g. encounter ${x.encounterIds.join(', ')}]`,
        )),
  ];
  return lines.join('\n') + '\n';
}

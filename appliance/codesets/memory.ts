// The CodeSets port from memory: every official code set is read from the database once (and again
// on reload() after an import), then each lookup is a Map get. Lookups are by date of service.
import type { CodeSets, Icd10Entry, MueEntry, PtpEdit } from '../ports.js';
import type { Store } from '../store/open.js';
import { iterateAddons, iterateHcpcs, iterateIcd10, iterateMue, iteratePtp } from '../store/codesets.js';

interface Period<V> {
  from: string;
  to: string | null; // exclusive
  value: V;
}

function at<V>(list: Period<V>[] | undefined, dos: string): V | undefined {
  if (!list) return undefined;
  for (const p of list) if (p.from <= dos && (p.to === null || dos < p.to)) return p.value;
  return undefined;
}

function push<V>(map: Map<string, Period<V>[]>, key: string, p: Period<V>): void {
  const l = map.get(key);
  if (l) l.push(p);
  else map.set(key, [p]);
}

interface Loaded {
  icd10: Map<string, Period<Icd10Entry>[]>;
  children: Map<string, string[]>;
  hcpcs: Map<
    string,
    { from: string; addDate: string | null; termDate: string | null; description: string }[]
  >;
  ptp: Map<string, Period<PtpEdit>[]>;
  mue: Map<string, Period<MueEntry>[]>;
  addons: Map<string, string[]>;
}

function load(store: Store): Loaded {
  const icd10 = new Map<string, Period<Icd10Entry>[]>();
  const children = new Map<string, string[]>();
  for (const r of iterateIcd10(store)) {
    push(icd10, r.code, {
      from: r.effectiveFrom,
      to: r.effectiveTo,
      value: { code: r.code, billable: r.billable === 1, description: r.longDesc },
    });
    if (r.code.length > 3) {
      const parent = r.code.slice(0, -1);
      const kids = children.get(parent);
      if (!kids) children.set(parent, [r.code]);
      else if (!kids.includes(r.code)) kids.push(r.code);
    }
  }
  for (const kids of children.values()) kids.sort();
  const hcpcs: Loaded['hcpcs'] = new Map();
  for (const r of iterateHcpcs(store)) {
    const l = hcpcs.get(r.code) ?? [];
    l.push({ from: r.effectiveFrom, addDate: r.addDate, termDate: r.termDate, description: r.shortDesc });
    l.sort((a, b) => (a.from < b.from ? 1 : -1));
    hcpcs.set(r.code, l);
  }
  const ptp = new Map<string, Period<PtpEdit>[]>();
  for (const r of iteratePtp(store))
    push(ptp, `${r.column1}|${r.column2}`, {
      from: r.effectiveDate,
      to: r.deletionDate,
      value: {
        column1: r.column1,
        column2: r.column2,
        modifierIndicator: r.modifierIndicator as PtpEdit['modifierIndicator'],
      },
    });
  const mue = new Map<string, Period<MueEntry>[]>();
  for (const r of iterateMue(store))
    push(mue, r.code, {
      from: r.effectiveFrom,
      to: r.effectiveTo,
      value: {
        value: r.value,
        adjudicationIndicator: r.adjudicationIndicator as MueEntry['adjudicationIndicator'],
      },
    });
  const addons = new Map<string, string[]>();
  for (const r of iterateAddons(store)) {
    const l = addons.get(r.addon) ?? [];
    if (r.primary) l.push(r.primary);
    addons.set(r.addon, l);
  }
  return { icd10, children, hcpcs, ptp, mue, addons };
}

/** CodeSets over the imported official files, held in memory. Call reload() after an import. */
export function createCodeSets(
  store: Store,
): CodeSets & { reload(): void; counts(): Record<string, number> } {
  let d = load(store);
  return {
    reload() {
      d = load(store);
    },
    counts: () => ({
      icd10: d.icd10.size,
      hcpcs: d.hcpcs.size,
      ptp: d.ptp.size,
      mue: d.mue.size,
      addon: d.addons.size,
    }),
    hasIcd10: () => d.icd10.size > 0,
    icd10: (code, dos) => at(d.icd10.get(code), dos),
    icd10Exists: (code) => d.icd10.has(code),
    icd10Children: (code, dos) =>
      (d.children.get(code) ?? []).filter((c) => at(d.icd10.get(c), dos)?.billable === true),
    ptp: (c1, c2, dos) => at(d.ptp.get(`${c1}|${c2}`), dos),
    hasPtp: () => d.ptp.size > 0,
    mue: (code, dos) => at(d.mue.get(code), dos),
    addonPrimaries: (code) => d.addons.get(code),
    hasHcpcs: () => d.hcpcs.size > 0,
    hcpcs(code, dos) {
      const list = d.hcpcs.get(code);
      if (!list) return undefined;
      // The release in force on the date of service, else the oldest one we have.
      const rel = list.find((r) => r.from <= dos) ?? list[list.length - 1]!;
      if (rel.addDate && dos < rel.addDate) return undefined;
      if (rel.termDate && dos > rel.termDate) return undefined;
      return { code, description: rel.description };
    },
  };
}

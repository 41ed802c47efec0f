// A small in-memory CodeSets for tests, with the same by-date semantics as the real importers:
// an entry applies from `from` (inclusive) until `to` (exclusive; NCCI deletion dates and the
// October 1 ICD-10-CM edition change are the first day an entry no longer applies).
import type { CodeSets, Icd10Entry, MueEntry, PtpEdit } from '../ports.js';

interface Dated {
  from?: string;
  to?: string;
}

export interface FakeCodeSetsData {
  /** Undefined means "no ICD-10-CM file imported" (hasIcd10() is false). */
  icd10?: (Partial<Icd10Entry> & { code: string } & Dated)[];
  ptp?: (PtpEdit & Dated)[];
  mue?: (MueEntry & { code: string } & Dated)[];
  addons?: Record<string, string[]>;
  /** Undefined means "no HCPCS Level II file imported". */
  hcpcs?: ({ code: string; description?: string } & Dated)[];
}

const applies = (e: Dated, dos: string): boolean =>
  (e.from === undefined || dos >= e.from) && (e.to === undefined || dos < e.to);

export function fakeCodeSets(data: FakeCodeSetsData = {}): CodeSets {
  const icd = (data.icd10 ?? []).map((e) => ({
    code: e.code,
    billable: e.billable ?? true,
    description: e.description ?? e.code,
    from: e.from,
    to: e.to,
  }));
  return {
    hasIcd10: () => data.icd10 !== undefined,
    icd10(code, dos) {
      const e = icd.find((x) => x.code === code && applies(x, dos));
      return e && { code: e.code, billable: e.billable, description: e.description };
    },
    icd10Children: (code, dos) =>
      icd
        .filter(
          (x) =>
            x.billable && x.code.length === code.length + 1 && x.code.startsWith(code) && applies(x, dos),
        )
        .map((x) => x.code),
    ptp(column1, column2, dos) {
      const e = (data.ptp ?? []).find(
        (x) => x.column1 === column1 && x.column2 === column2 && applies(x, dos),
      );
      return e && { column1: e.column1, column2: e.column2, modifierIndicator: e.modifierIndicator };
    },
    mue(code, dos) {
      const e = (data.mue ?? []).find((x) => x.code === code && applies(x, dos));
      return e && { value: e.value, adjudicationIndicator: e.adjudicationIndicator };
    },
    addonPrimaries: (code) => data.addons?.[code],
    icd10Exists: (code) => icd.some((x) => x.code === code),
    hasPtp: () => data.ptp !== undefined,
    hasHcpcs: () => data.hcpcs !== undefined,
    hcpcs(code, dos) {
      const e = (data.hcpcs ?? []).find((x) => x.code === code && applies(x, dos));
      return e && { code: e.code, description: e.description ?? e.code };
    },
  };
}

/** Code sets that know every code sampleClaim uses, plus a few neighbours for the ICD-10 rules. */
export function sampleCodeSets(extra: FakeCodeSetsData = {}): CodeSets {
  return fakeCodeSets({
    icd10: [
      { code: 'E11', billable: false, description: 'Type 2 diabetes mellitus' },
      { code: 'E118', description: 'Type 2 diabetes mellitus with unspecified complications' },
      { code: 'E119', description: 'Type 2 diabetes mellitus without complications' },
      { code: 'I10', description: 'Essential (primary) hypertension' },
      { code: 'J06', billable: false, description: 'Acute upper respiratory infections of multiple sites' },
      { code: 'J060', description: 'Acute laryngopharyngitis' },
      { code: 'J069', description: 'Acute upper respiratory infection, unspecified' },
      ...(extra.icd10 ?? []),
    ],
    ptp: extra.ptp ?? [],
    mue: extra.mue ?? [],
    addons: extra.addons ?? {},
    ...(extra.hcpcs ? { hcpcs: extra.hcpcs } : {}),
  });
}

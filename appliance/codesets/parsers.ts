// Line parsers for the official code-set files, as published. Pure: one line (and its number) in,
// a record or a diagnostic naming the line out. The importer streams files through these.
import type { Diagnostic } from '../domain/types.js';

export type CodeSetKind = 'icd10' | 'hcpcs' | 'ptp' | 'mue' | 'addon';
export const CODE_SET_KINDS: readonly CodeSetKind[] = ['icd10', 'hcpcs', 'ptp', 'mue', 'addon'];

export type LineResult<T> = { record: T } | { skip: true } | { diagnostic: Diagnostic };

const bad = (kind: CodeSetKind, line: number, message: string): { diagnostic: Diagnostic } => ({
  diagnostic: {
    code: 'CODESET_MALFORMED',
    message: `${kind} line ${line}: ${message}`,
    severity: 'error',
    position: line,
  },
});

/** YYYYMMDD → YYYY-MM-DD, or undefined when it is not a calendar date. */
export function isoDate(yyyymmdd: string): string | undefined {
  if (!/^\d{8}$/.test(yyyymmdd)) return undefined;
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

// ------------------------------------------------------------------ ICD-10-CM order file
export interface Icd10Record {
  code: string;
  billable: boolean;
  shortDesc: string;
  longDesc: string;
}

/**
 * icd10cm_order_YYYY.txt, fixed width (CDC/CMS "ICD-10-CM order file format"): order number 1-5
 * (zero-filled), blank, code 7-13 (no dot, left-justified), blank, valid-for-HIPAA flag 15
 * (1 billable, 0 header), blank, short description 17-76, blank, long description 78-end.
 */
export function parseIcd10OrderLine(line: string, n: number): LineResult<Icd10Record> {
  if (line.trim() === '') return { skip: true };
  const m = /^(\d{5}) ([A-Z0-9][A-Z0-9 ]{6}) ([01]) (.*)$/.exec(line);
  if (!m)
    return bad(
      'icd10',
      n,
      'expected "NNNNN CODE    F short-description long-description" (order file layout)',
    );
  const code = m[2]!.trim();
  if (!/^[A-Z][0-9][0-9A-Z]{1,5}$/.test(code)) return bad('icd10', n, `"${code}" is not an ICD-10-CM code`);
  const rest = m[4]!;
  const shortDesc = rest.slice(0, 60).trim();
  const longDesc = rest.length > 61 ? rest.slice(61).trim() : shortDesc;
  if (!shortDesc) return bad('icd10', n, 'missing description');
  return { record: { code, billable: m[3] === '1', shortDesc, longDesc } };
}

// ------------------------------------------------------------------ HCPCS Level II record file
export interface HcpcsLine {
  code: string;
  /** 3 first line of a code, 4 its continuation, 7 first line of a modifier, 8 its continuation. */
  recordId: '3' | '4' | '7' | '8';
  longDesc: string;
  shortDesc: string;
  addDate?: string;
  actionEffectiveDate?: string;
  termDate?: string;
  actionCode?: string;
}

/**
 * HCPCS Level II annual "record" file (HCPCyyyy_*_ANWEB*.txt, 320-character records, the layout in
 * the yearly "HCPCS record layout" document): code 1-5, sequence 6-10, record id 11, long description
 * 12-91, short description 92-119, ... code added date 269-276, action effective date 277-284,
 * termination date 285-292, action code 293. Positions are 1-based as the layout states them.
 */
export const HCPCS_LAYOUT = {
  code: [0, 5],
  sequence: [5, 10],
  recordId: [10, 11],
  longDesc: [11, 91],
  shortDesc: [91, 119],
  addDate: [268, 276],
  actionEffectiveDate: [276, 284],
  termDate: [284, 292],
  actionCode: [292, 293],
} as const;

export function parseHcpcsLine(line: string, n: number): LineResult<HcpcsLine> {
  if (line.trim() === '') return { skip: true };
  const f = (k: keyof typeof HCPCS_LAYOUT) => line.slice(HCPCS_LAYOUT[k][0], HCPCS_LAYOUT[k][1]).trim();
  const recordId = f('recordId');
  if (!/^[3478]$/.test(recordId))
    return bad('hcpcs', n, `record identification code "${recordId}" (column 11) is not 3, 4, 7 or 8`);
  if (!/^\d{5}$/.test(f('sequence')))
    return bad('hcpcs', n, 'sequence number (columns 6-10) is not 5 digits');
  const code = f('code');
  const isModifier = recordId === '7' || recordId === '8';
  if (isModifier ? !/^[A-Z0-9]{2}$/.test(code) : !/^[A-Z]\d{4}$/.test(code))
    return bad('hcpcs', n, `"${code}" is not a HCPCS ${isModifier ? 'modifier' : 'Level II code'}`);
  const rec: HcpcsLine = {
    code,
    recordId: recordId as HcpcsLine['recordId'],
    longDesc: f('longDesc'),
    shortDesc: f('shortDesc'),
  };
  if (recordId === '3' || recordId === '7') {
    for (const k of ['addDate', 'actionEffectiveDate', 'termDate'] as const) {
      const raw = f(k);
      if (raw === '') continue;
      const iso = isoDate(raw);
      if (!iso)
        return bad(
          'hcpcs',
          n,
          `${k} "${raw}" (columns ${HCPCS_LAYOUT[k][0] + 1}-${HCPCS_LAYOUT[k][1]}) is not YYYYMMDD`,
        );
      rec[k] = iso;
    }
    const action = f('actionCode');
    if (action) rec.actionCode = action;
  }
  return { record: rec };
}

// ------------------------------------------------------------------ NCCI PTP (practitioner)
export interface PtpRecord {
  column1: string;
  column2: string;
  effectiveDate: string;
  /** null when the file has "*" (no deletion). */
  deletionDate: string | null;
  modifierIndicator: '0' | '1' | '9';
}

const HCPCS_OR_CPT = /^[A-Z0-9]{4}[A-Z0-9]$/;

/**
 * Practitioner PTP edits (ccipra-v*.txt), tab-delimited after several header/copyright lines:
 * column 1, column 2, "*" if in existence prior to 1996, effective date YYYYMMDD, deletion date
 * YYYYMMDD or "*", modifier indicator 0/1/9, rationale. `dataStarted` says whether a data row was
 * seen: before it, non-data lines are header text; after it, they are malformed rows.
 */
export function parsePtpLine(line: string, n: number, dataStarted: boolean): LineResult<PtpRecord> {
  if (line.trim() === '') return { skip: true };
  const f = line.split('\t').map((x) => x.trim());
  const looksLikeData = HCPCS_OR_CPT.test(f[0] ?? '') && HCPCS_OR_CPT.test(f[1] ?? '');
  if (!looksLikeData)
    return dataStarted ? bad('ptp', n, 'expected column 1 code, tab, column 2 code, ...') : { skip: true };
  if (f.length < 6) return bad('ptp', n, `expected at least 6 tab-separated fields, found ${f.length}`);
  const eff = isoDate(f[3]!);
  if (!eff) return bad('ptp', n, `effective date "${f[3]}" is not YYYYMMDD`);
  let del: string | null = null;
  if (f[4] !== '*') {
    const d = isoDate(f[4]!);
    if (!d) return bad('ptp', n, `deletion date "${f[4]}" is not YYYYMMDD or *`);
    del = d;
  }
  const mi = f[5]!;
  if (mi !== '0' && mi !== '1' && mi !== '9')
    return bad('ptp', n, `modifier indicator "${mi}" is not 0, 1 or 9`);
  return {
    record: { column1: f[0]!, column2: f[1]!, effectiveDate: eff, deletionDate: del, modifierIndicator: mi },
  };
}

// ------------------------------------------------------------------ CSV cells (MUE, add-on)
/** One CSV line into cells (quotes, doubled quotes); MUE and AOC rows never span lines. */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === delimiter) {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

// ------------------------------------------------------------------ MUE (practitioner)
export interface MueRecord {
  code: string;
  value: number;
  adjudicationIndicator: '1' | '2' | '3';
  rationale: string;
}

/**
 * Practitioner services MUE table (CSV after header lines): HCPCS/CPT code, MUE value, MUE
 * adjudication indicator ("1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit:
 * Clinical"), MUE rationale.
 */
export function parseMueLine(line: string, n: number, dataStarted: boolean): LineResult<MueRecord> {
  if (line.trim() === '') return { skip: true };
  const c = splitCsvLine(line);
  if (!HCPCS_OR_CPT.test(c[0] ?? ''))
    return dataStarted ? bad('mue', n, 'expected a HCPCS/CPT code in the first column') : { skip: true };
  if (c.length < 3)
    return bad('mue', n, `expected code, MUE value, adjudication indicator; found ${c.length} field(s)`);
  if (!/^\d+$/.test(c[1]!)) return bad('mue', n, `MUE value "${c[1]}" is not a whole number`);
  const mai = /^([123])\b/.exec(c[2]!);
  if (!mai) return bad('mue', n, `adjudication indicator "${c[2]}" does not start with 1, 2 or 3`);
  return {
    record: {
      code: c[0]!,
      value: Number(c[1]),
      adjudicationIndicator: mai[1] as '1' | '2' | '3',
      rationale: c[3] ?? '',
    },
  };
}

// ------------------------------------------------------------------ NCCI add-on codes
export interface AddonRecord {
  addon: string;
  /** '' for type 2/3 rows whose primary is given as CCCCC (no fixed primary list). */
  primary: string;
  aocType: string;
  deleted: boolean;
}

export interface AddonColumns {
  addon: number;
  primary: number;
  type: number;
  addonDeletion?: number;
  primaryDeletion?: number;
  delimiter: string;
}

/** The AOC file's header row names its columns ("Add-on Code", "Primary Code", "AOC Type", ...). */
export function addonHeader(line: string): AddonColumns | undefined {
  const delimiter = line.includes('\t') ? '\t' : ',';
  const cells = splitCsvLine(line, delimiter).map((c) => c.toLowerCase());
  const find = (re: RegExp) => cells.findIndex((c) => re.test(c));
  const addon = find(/add-?on code/);
  const primary = find(/primary code$/);
  const type = find(/aoc type|^type$/);
  if (addon < 0 || primary < 0 || type < 0) return undefined;
  const ad = find(/aoc deletion date|add-?on code deletion/);
  const pd = find(/primary code deletion/);
  return {
    addon,
    primary,
    type,
    delimiter,
    ...(ad >= 0 ? { addonDeletion: ad } : {}),
    ...(pd >= 0 ? { primaryDeletion: pd } : {}),
  };
}

/** One add-on row; `asOf` drops pairs whose deletion date is on or before it. */
export function parseAddonLine(
  line: string,
  n: number,
  cols: AddonColumns,
  asOf: string,
): LineResult<AddonRecord> {
  if (line.trim() === '') return { skip: true };
  const c = splitCsvLine(line, cols.delimiter);
  const addon = c[cols.addon] ?? '';
  const primary = c[cols.primary] ?? '';
  const type = c[cols.type] ?? '';
  if (!HCPCS_OR_CPT.test(addon)) return bad('addon', n, `add-on code "${addon}" is not a HCPCS/CPT code`);
  if (primary !== 'CCCCC' && primary !== '' && !HCPCS_OR_CPT.test(primary))
    return bad('addon', n, `primary code "${primary}" is not a HCPCS/CPT code`);
  if (!/^[123]$/.test(type)) return bad('addon', n, `AOC type "${type}" is not 1, 2 or 3`);
  let deleted = false;
  for (const idx of [cols.addonDeletion, cols.primaryDeletion]) {
    if (idx === undefined) continue;
    const raw = (c[idx] ?? '').trim();
    if (raw === '' || raw === '*') continue;
    const iso = isoDate(raw.replace(/-/g, ''));
    if (!iso) return bad('addon', n, `deletion date "${raw}" is not a date`);
    if (iso <= asOf) deleted = true;
  }
  return { record: { addon, primary: primary === 'CCCCC' ? '' : primary, aocType: type, deleted } };
}

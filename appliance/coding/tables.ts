// Coding tables are data (issue 8 "Tables are data"): every mapping, E/M rule, payer rule, fee and
// CDT rule is a row of code_tables { table, key, value, effectiveFrom, effectiveTo, version }. This
// file says which tables exist, what a row's value holds, and builds the in-memory lookup structure
// the engine reads (built once per table version, never per encounter).

export const TABLE_NAMES = [
  'settings',
  'payers',
  'payer_rules',
  'em_levels',
  'em_prolonged',
  'proc_map',
  'dx_map',
  'fee_schedule',
  'cdt_rules',
  'cdt_codes',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export function isTableName(s: string): s is TableName {
  return (TABLE_NAMES as readonly string[]).includes(s);
}

export type FieldType = 'string' | 'int' | 'bool' | 'list';
export interface FieldSpec {
  name: string;
  type: FieldType;
  required?: boolean;
  /** Allowed values for a string field. */
  oneOf?: readonly string[];
}

export type RowValue = Record<string, string | number | boolean | string[] | undefined>;

/** One row as it is stored, exported and imported. effectiveTo is exclusive; null = open. */
export interface TableRow {
  table: TableName;
  key: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  value: RowValue;
}

export interface TableSpec {
  fields: readonly FieldSpec[];
  /** The key a row gets when the file leaves the key column blank. */
  keyOf(v: RowValue): string;
  describe: string;
}

const s = (v: RowValue, k: string): string => {
  const x = v[k];
  return typeof x === 'string' ? x : x === undefined ? '' : String(x);
};

/** Normalized description key: lower case, letters and digits, single spaces ("Flu shot!" → "flu shot"). */
export function textKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The key a procedure/diagnosis mapping is looked up by: SYSTEM:CODE (TEXT:normalized text). */
export function mapKey(system: string, code: string): string {
  const sys = system.toUpperCase();
  return sys === 'TEXT' ? `TEXT:${textKey(code)}` : `${sys}:${code.trim().toUpperCase()}`;
}

export const PAYER_RULE_KINDS = [
  'substitute',
  'require_modifier',
  'pos_override',
  'telehealth_modifier',
  'prolonged_code',
] as const;
export type PayerRuleKind = (typeof PAYER_RULE_KINDS)[number];

export const TABLE_SPECS: Record<TableName, TableSpec> = {
  settings: {
    describe:
      'engine options: ehr_charge (never|fallback|prefer), unspecified_dx (review|note), bilateral_fee_percent',
    fields: [{ name: 'value', type: 'string', required: true }],
    keyOf: () => '',
  },
  payers: {
    describe: 'payers the practice bills, by clearinghouse payer id',
    fields: [
      { name: 'payerId', type: 'string', required: true },
      { name: 'name', type: 'string', required: true },
      { name: 'program', type: 'string', oneOf: ['medicare', 'medicaid', 'commercial', 'dental', 'other'] },
    ],
    keyOf: (v) => s(v, 'payerId'),
  },
  payer_rules: {
    describe:
      'per-payer code substitutions, required modifiers, POS overrides, telehealth modifier, prolonged code',
    fields: [
      { name: 'payerId', type: 'string', required: true },
      { name: 'kind', type: 'string', required: true, oneOf: PAYER_RULE_KINDS },
      { name: 'code', type: 'string' },
      { name: 'replacement', type: 'string' },
      { name: 'modifier', type: 'string' },
      { name: 'pos', type: 'string' },
      { name: 'when', type: 'string', oneOf: ['', 'always', 'telehealth'] },
      { name: 'withCode', type: 'string' },
      { name: 'note', type: 'string' },
    ],
    keyOf: (v) => [s(v, 'payerId'), s(v, 'kind'), s(v, 'code') || '*', s(v, 'when') || 'always'].join(':'),
  },
  em_levels: {
    describe: 'office/outpatient E/M levels: code by visit type, MDM level and minimum total minutes',
    fields: [
      { name: 'visitType', type: 'string', required: true, oneOf: ['new', 'established'] },
      { name: 'code', type: 'string', required: true },
      { name: 'mdm', type: 'string', oneOf: ['', 'straightforward', 'low', 'moderate', 'high'] },
      { name: 'minMinutes', type: 'int' },
      { name: 'nurse', type: 'bool' },
    ],
    keyOf: (v) => `${s(v, 'visitType')}:${s(v, 'code')}`,
  },
  em_prolonged: {
    describe:
      'prolonged office visit add-on: first unit at firstUnitAt total minutes, one more per unitMinutes',
    fields: [
      { name: 'code', type: 'string', required: true },
      { name: 'visitType', type: 'string', required: true, oneOf: ['new', 'established'] },
      { name: 'primary', type: 'string', required: true },
      { name: 'firstUnitAt', type: 'int', required: true },
      { name: 'unitMinutes', type: 'int', required: true },
    ],
    keyOf: (v) => `${s(v, 'code')}:${s(v, 'visitType')}`,
  },
  proc_map: {
    describe:
      'EHR procedure (LOCAL/SNOMED code, TEXT description, or CPT/HCPCS/CDT attributes) to billing code',
    fields: [
      {
        name: 'fromSystem',
        type: 'string',
        required: true,
        oneOf: ['LOCAL', 'SNOMED', 'TEXT', 'CPT', 'HCPCS', 'CDT'],
      },
      { name: 'fromCode', type: 'string', required: true },
      { name: 'code', type: 'string' },
      { name: 'cdtType', type: 'string' },
      { name: 'units', type: 'int' },
      { name: 'modifiers', type: 'list' },
      { name: 'em25', type: 'bool' },
      { name: 'laterality', type: 'bool' },
      { name: 'description', type: 'string' },
    ],
    keyOf: (v) => mapKey(s(v, 'fromSystem'), s(v, 'fromCode')),
  },
  dx_map: {
    describe: 'EHR diagnosis (LOCAL/SNOMED code or TEXT description) to ICD-10-CM',
    fields: [
      { name: 'fromSystem', type: 'string', required: true, oneOf: ['LOCAL', 'SNOMED', 'TEXT'] },
      { name: 'fromCode', type: 'string', required: true },
      { name: 'code', type: 'string', required: true },
      { name: 'description', type: 'string' },
    ],
    keyOf: (v) => mapKey(s(v, 'fromSystem'), s(v, 'fromCode')),
  },
  fee_schedule: {
    describe: 'charges in cents: schedule STANDARD or a payer id; optional modifier-specific fee',
    fields: [
      { name: 'schedule', type: 'string', required: true },
      { name: 'code', type: 'string', required: true },
      { name: 'modifier', type: 'string' },
      { name: 'cents', type: 'int', required: true },
    ],
    keyOf: (v) => [s(v, 'schedule'), s(v, 'code'), s(v, 'modifier')].filter(Boolean).join(':'),
  },
  cdt_rules: {
    describe: 'dental procedure type + tooth region + surface count (4 = four or more) to CDT code',
    fields: [
      { name: 'type', type: 'string', required: true },
      { name: 'region', type: 'string', required: true, oneOf: ['anterior', 'posterior', 'any'] },
      { name: 'surfaces', type: 'int', required: true },
      { name: 'code', type: 'string', required: true },
    ],
    keyOf: (v) => `${s(v, 'type')}:${s(v, 'region')}:${s(v, 'surfaces')}`,
  },
  cdt_codes: {
    describe: 'what a CDT code needs: tooth, surfaces, quadrant/arch, dentition',
    fields: [
      { name: 'code', type: 'string', required: true },
      { name: 'tooth', type: 'string', oneOf: ['', 'required', 'optional', 'none'] },
      { name: 'surfaces', type: 'string', oneOf: ['', 'required', 'optional', 'none'] },
      { name: 'area', type: 'string', oneOf: ['', 'quadrant', 'arch', 'none'] },
      { name: 'arch', type: 'string', oneOf: ['', 'U', 'L'] },
      { name: 'dentition', type: 'string', oneOf: ['', 'permanent', 'primary', 'any'] },
      { name: 'description', type: 'string' },
    ],
    keyOf: (v) => s(v, 'code'),
  },
};

// ------------------------------------------------------------------ typed row values

export interface PayerRow {
  payerId: string;
  name: string;
  program?: string;
}
export interface PayerRule {
  key: string;
  payerId: string;
  kind: PayerRuleKind;
  code?: string;
  replacement?: string;
  modifier?: string;
  pos?: string;
  when?: string;
  withCode?: string;
  note?: string;
}
export interface EmLevelRow {
  key: string;
  visitType: 'new' | 'established';
  code: string;
  mdm?: 'straightforward' | 'low' | 'moderate' | 'high';
  minMinutes?: number;
  nurse?: boolean;
}
export interface EmProlongedRow {
  key: string;
  code: string;
  visitType: 'new' | 'established';
  primary: string;
  firstUnitAt: number;
  unitMinutes: number;
}
export interface ProcMapRow {
  key: string;
  code?: string;
  cdtType?: string;
  units?: number;
  modifiers?: string[];
  em25?: boolean;
  laterality?: boolean;
  description?: string;
}
export interface DxMapRow {
  key: string;
  code: string;
}
export interface CdtCodeRow {
  code: string;
  tooth?: string;
  surfaces?: string;
  area?: string;
  arch?: string;
  dentition?: string;
}

interface Dated<V> {
  from: string;
  to: string | null;
  value: V;
}

/** key → rows, newest effectiveFrom first; `at` picks the row in force on a date of service. */
class DatedIndex<V> {
  private readonly map = new Map<string, Dated<V>[]>();
  add(key: string, d: Dated<V>): void {
    const list = this.map.get(key);
    if (list) {
      list.push(d);
      list.sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0));
    } else this.map.set(key, [d]);
  }
  at(key: string, dos: string): V | undefined {
    const list = this.map.get(key);
    if (!list) return undefined;
    for (const d of list) if (d.from <= dos && (d.to === null || dos < d.to)) return d.value;
    return undefined;
  }
  /** Every value in force on dos (for small whole-table scans like em_levels). */
  allAt(dos: string): V[] {
    const out: V[] = [];
    for (const key of this.map.keys()) {
      const v = this.at(key, dos);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  get size(): number {
    return this.map.size;
  }
}

/** The in-memory, read-only structure codeEncounter consults. Build with buildCodingTables. */
export interface CodingTables {
  /** Which table versions this was built from, e.g. "proc_map@3,dx_map@1". */
  readonly label: string;
  readonly rowCount: number;
  setting(name: string, dos: string): string | undefined;
  payer(payerId: string, dos: string): PayerRow | undefined;
  payerRules(payerId: string, dos: string): PayerRule[];
  emLevels(visitType: 'new' | 'established', dos: string): EmLevelRow[];
  emProlonged(code: string, visitType: 'new' | 'established', dos: string): EmProlongedRow | undefined;
  procMap(key: string, dos: string): ProcMapRow | undefined;
  dxMap(key: string, dos: string): DxMapRow | undefined;
  fee(schedule: string, code: string, modifier: string | undefined, dos: string): number | undefined;
  cdtRule(type: string, region: string, surfaces: number, dos: string): string | undefined;
  /** Reverse of cdt_rules: the surface count and region a CDT code stands for. */
  cdtShape(code: string): { type: string; region: string; surfaces: number } | undefined;
  cdtCode(code: string, dos: string): CdtCodeRow | undefined;
}

const str = (v: RowValue, k: string): string | undefined => {
  const x = v[k];
  if (x === undefined || x === '') return undefined;
  return typeof x === 'string' ? x : String(x);
};
const num = (v: RowValue, k: string): number | undefined => {
  const x = v[k];
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
};
const bool = (v: RowValue, k: string): boolean | undefined => {
  const x = v[k];
  if (typeof x === 'boolean') return x;
  if (typeof x === 'string' && x !== '') return /^(1|true|yes|y)$/i.test(x);
  return undefined;
};
const list = (v: RowValue, k: string): string[] | undefined => {
  const x = v[k];
  if (Array.isArray(x)) return x;
  if (typeof x === 'string' && x.trim() !== '')
    return x
      .split(/[:;, ]+/)
      .map((m) => m.trim().toUpperCase())
      .filter(Boolean);
  return undefined;
};

/** Build the lookup structure from the rows of the current version of each table. */
export function buildCodingTables(rows: readonly TableRow[], label = 'ad hoc'): CodingTables {
  const settings = new DatedIndex<string>();
  const payers = new DatedIndex<PayerRow>();
  const payerRules = new Map<string, DatedIndex<PayerRule>>();
  const em = { new: new DatedIndex<EmLevelRow>(), established: new DatedIndex<EmLevelRow>() };
  const prolonged = new DatedIndex<EmProlongedRow>();
  const proc = new DatedIndex<ProcMapRow>();
  const dx = new DatedIndex<DxMapRow>();
  const fees = new DatedIndex<number>();
  const cdtRules = new DatedIndex<string>();
  const cdtShapes = new Map<string, { type: string; region: string; surfaces: number }>();
  const cdtCodes = new DatedIndex<CdtCodeRow>();

  for (const r of rows) {
    const v = r.value;
    const d = <V>(value: V): Dated<V> => ({ from: r.effectiveFrom, to: r.effectiveTo, value });
    switch (r.table) {
      case 'settings':
        settings.add(r.key, d(str(v, 'value') ?? ''));
        break;
      case 'payers':
        payers.add(
          r.key,
          d({ payerId: str(v, 'payerId') ?? r.key, name: str(v, 'name') ?? '', program: str(v, 'program') }),
        );
        break;
      case 'payer_rules': {
        const payerId = str(v, 'payerId') ?? '';
        let idx = payerRules.get(payerId);
        if (!idx) payerRules.set(payerId, (idx = new DatedIndex<PayerRule>()));
        idx.add(
          r.key,
          d({
            key: r.key,
            payerId,
            kind: (str(v, 'kind') ?? 'substitute') as PayerRuleKind,
            code: str(v, 'code')?.toUpperCase(),
            replacement: str(v, 'replacement')?.toUpperCase(),
            modifier: str(v, 'modifier')?.toUpperCase(),
            pos: str(v, 'pos'),
            when: str(v, 'when'),
            withCode: str(v, 'withCode')?.toUpperCase(),
            note: str(v, 'note'),
          }),
        );
        break;
      }
      case 'em_levels': {
        const visitType = str(v, 'visitType') === 'new' ? 'new' : 'established';
        em[visitType].add(
          r.key,
          d({
            key: r.key,
            visitType,
            code: str(v, 'code') ?? '',
            mdm: str(v, 'mdm') as EmLevelRow['mdm'],
            minMinutes: num(v, 'minMinutes'),
            nurse: bool(v, 'nurse'),
          }),
        );
        break;
      }
      case 'em_prolonged': {
        const visitType = str(v, 'visitType') === 'new' ? 'new' : 'established';
        const code = str(v, 'code') ?? '';
        prolonged.add(
          `${code}:${visitType}`,
          d({
            key: r.key,
            code,
            visitType,
            primary: str(v, 'primary') ?? '',
            firstUnitAt: num(v, 'firstUnitAt') ?? Number.POSITIVE_INFINITY,
            unitMinutes: num(v, 'unitMinutes') ?? 15,
          }),
        );
        break;
      }
      case 'proc_map':
        proc.add(
          r.key,
          d({
            key: r.key,
            code: str(v, 'code')?.toUpperCase(),
            cdtType: str(v, 'cdtType'),
            units: num(v, 'units'),
            modifiers: list(v, 'modifiers'),
            em25: bool(v, 'em25'),
            laterality: bool(v, 'laterality'),
            description: str(v, 'description'),
          }),
        );
        break;
      case 'dx_map':
        dx.add(r.key, d({ key: r.key, code: (str(v, 'code') ?? '').replace('.', '').toUpperCase() }));
        break;
      case 'fee_schedule': {
        const k = [str(v, 'schedule'), str(v, 'code')?.toUpperCase(), str(v, 'modifier')?.toUpperCase()]
          .filter(Boolean)
          .join(':');
        fees.add(k, d(Math.round(num(v, 'cents') ?? 0)));
        break;
      }
      case 'cdt_rules': {
        const type = str(v, 'type') ?? '';
        const region = str(v, 'region') ?? 'any';
        const surfaces = num(v, 'surfaces') ?? 0;
        const code = (str(v, 'code') ?? '').toUpperCase();
        cdtRules.add(`${type}:${region}:${surfaces}`, d(code));
        cdtShapes.set(code, { type, region, surfaces });
        break;
      }
      case 'cdt_codes': {
        const code = (str(v, 'code') ?? r.key).toUpperCase();
        cdtCodes.add(
          code,
          d({
            code,
            tooth: str(v, 'tooth'),
            surfaces: str(v, 'surfaces'),
            area: str(v, 'area'),
            arch: str(v, 'arch'),
            dentition: str(v, 'dentition'),
          }),
        );
        break;
      }
    }
  }

  const emCache = new Map<string, EmLevelRow[]>();
  return {
    label,
    rowCount: rows.length,
    setting: (name, dos) => settings.at(name, dos),
    payer: (payerId, dos) => payers.at(payerId, dos),
    payerRules: (payerId, dos) => payerRules.get(payerId)?.allAt(dos) ?? [],
    emLevels(visitType, dos) {
      // The level list changes only at effective-date boundaries; cache it per date of service.
      const ck = visitType + dos;
      let levels = emCache.get(ck);
      if (!levels) {
        levels = em[visitType].allAt(dos).sort((a, b) => levelRank(a) - levelRank(b));
        if (emCache.size > 4096) emCache.clear();
        emCache.set(ck, levels);
      }
      return levels;
    },
    emProlonged: (code, visitType, dos) => prolonged.at(`${code}:${visitType}`, dos),
    procMap: (key, dos) => proc.at(key, dos),
    dxMap: (key, dos) => dx.at(key, dos),
    fee: (schedule, code, modifier, dos) =>
      (modifier ? fees.at(`${schedule}:${code}:${modifier}`, dos) : undefined) ??
      fees.at(`${schedule}:${code}`, dos),
    cdtRule: (type, region, surfaces, dos) =>
      cdtRules.at(`${type}:${region}:${surfaces}`, dos) ?? cdtRules.at(`${type}:any:${surfaces}`, dos),
    cdtShape: (code) => cdtShapes.get(code),
    cdtCode: (code, dos) => cdtCodes.at(code, dos),
  };
}

const MDM_RANK = { straightforward: 1, low: 2, moderate: 3, high: 4 } as const;
export function mdmRank(m: string | undefined): number {
  return m && m in MDM_RANK ? MDM_RANK[m as keyof typeof MDM_RANK] : 0;
}
/** Nurse visit (99211) lowest, then by MDM level, then by minimum minutes. */
function levelRank(l: EmLevelRow): number {
  if (l.nurse) return 0;
  return mdmRank(l.mdm) * 1000 + (l.minMinutes ?? 0);
}

/**
 * Check one row against its table's spec and give it its derived key. Returns problems as
 * sentences; the row comes back normalized (ints parsed, lists split, booleans read).
 */
export function normalizeRow(row: TableRow): { row: TableRow; problems: string[] } {
  const spec = TABLE_SPECS[row.table];
  const problems: string[] = [];
  const value: RowValue = {};
  for (const f of spec.fields) {
    const raw = row.value[f.name];
    if (raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0)) {
      if (f.required) problems.push(`${f.name} is required`);
      continue;
    }
    switch (f.type) {
      case 'string': {
        const sv = String(raw).trim();
        if (f.oneOf && !f.oneOf.includes(sv))
          problems.push(`${f.name} must be one of ${f.oneOf.filter(Boolean).join(', ')}`);
        value[f.name] = sv;
        break;
      }
      case 'int': {
        const n = num({ x: raw }, 'x');
        if (n === undefined || !Number.isInteger(n)) problems.push(`${f.name} must be a whole number`);
        else value[f.name] = n;
        break;
      }
      case 'bool':
        value[f.name] = bool({ x: raw }, 'x') ?? false;
        break;
      case 'list':
        value[f.name] = list({ x: raw }, 'x') ?? [];
        break;
    }
  }
  for (const k of Object.keys(row.value))
    if (!spec.fields.some((f) => f.name === k)) problems.push(`unknown field ${k}`);
  const key = row.key.trim() || spec.keyOf(value);
  if (!key) problems.push('key is required');
  const dateRe = /^\d{4}-\d{2}-\d{2}$/;
  if (!dateRe.test(row.effectiveFrom)) problems.push('effective_from must be YYYY-MM-DD');
  if (row.effectiveTo !== null && !dateRe.test(row.effectiveTo))
    problems.push('effective_to must be YYYY-MM-DD or empty');
  if (row.effectiveTo !== null && row.effectiveTo <= row.effectiveFrom)
    problems.push('effective_to must be after effective_from');
  return { row: { ...row, key, value }, problems };
}

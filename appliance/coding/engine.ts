// The coding engine (issue 8): a finalized encounter in, billing codes out, each with its reasons.
// Pure: no I/O, no clock. Tables and code sets are in-memory lookups loaded once by the caller.
// Anything it cannot code with confidence goes to review[] with a machine code and a biller's sentence.
import type {
  ChargeLine,
  CodedDiagnosis,
  CodedEncounter,
  EncounterInput,
  ProcedureInput,
  ReviewReason,
  Why,
} from '../domain/types.js';
import type { CodeSets } from '../ports.js';
import { checkSurfaces, parseArea, parseTooth } from './dental.js';
import { mapKey, type CodingTables, type EmLevelRow, type PayerRule, type ProcMapRow } from './tables.js';

/** 2021+ office/outpatient E/M codes (99201 was deleted in 2021). */
export const EM_CODE = /^992(0[2-5]|1[1-5])$/;
const CPT_RE = /^\d{4}[0-9FTU]$/; // Category I, II (F), III (T), PLA (U)
const HCPCS_RE = /^[A-V]\d{4}$/;
const CDT_RE = /^D\d{4}$/;
const ICD10_RE = /^[A-Z][0-9][0-9A-Z]([0-9A-Z]{1,4})?$/;
const MODIFIER_RE = /^[A-Z0-9]{2}$/;
/** NCCI-associated modifiers that bypass a PTP edit with modifier indicator 1 (NCCI Policy Manual ch. I). */
const DISTINCT_MODIFIERS = new Set(['59', 'XE', 'XP', 'XS', 'XU']);
const ANATOMIC_MODIFIERS = new Set([
  'LT', 'RT', 'LC', 'LD', 'RC', 'LM', 'RI', 'E1', 'E2', 'E3', 'E4',
  'FA', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9',
  'TA', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9',
]); // prettier-ignore
/** Pricing modifiers go first on a line (837P SV101-3). */
const PRICING_MODIFIERS = ['26', 'TC', '50', '52', '53', '22'];
const TELEHEALTH_POS = new Set(['02', '10']);

interface WorkLine {
  code: string;
  modifiers: string[];
  units: number;
  pointers: number[];
  dateOfService: string;
  tooth?: string;
  surfaces?: string;
  area?: string;
  why: Why[];
  kind: 'em' | 'prolonged' | 'procedure';
  em25?: boolean;
  ehrCharge?: number;
  field: string;
}

export const dotted = (icd: string): string => (icd.length > 3 ? `${icd.slice(0, 3)}.${icd.slice(3)}` : icd);

class Coder {
  readonly review: ReviewReason[] = [];
  readonly dos: string;
  readonly payerId: string | undefined;
  readonly rules: PayerRule[];
  readonly telehealth: boolean;
  diagnoses: CodedDiagnosis[] = [];
  readonly seqToPointer = new Map<number, number>();
  lines: WorkLine[] = [];
  placeOfService: string | undefined;

  constructor(
    readonly enc: EncounterInput,
    readonly t: CodingTables,
    readonly cs: CodeSets,
  ) {
    this.dos = enc.dateOfService;
    const primary = [...enc.coverages].sort((a, b) => a.order - b.order)[0];
    this.payerId = primary?.payerId;
    this.rules = this.payerId ? t.payerRules(this.payerId, this.dos) : [];
    this.telehealth = TELEHEALTH_POS.has(enc.placeOfService) || enc.telehealth === true;
  }

  flag(code: string, message: string, field?: string): void {
    if (!this.review.some((r) => r.code === code && r.field === field && r.message === message))
      this.review.push(field === undefined ? { code, message } : { code, message, field });
  }

  rule(kind: PayerRule['kind'], code?: string): PayerRule | undefined {
    return this.rules.find(
      (r) =>
        r.kind === kind &&
        (code === undefined || !r.code || r.code === '*' || r.code === code) &&
        this.whenHolds(r),
    );
  }

  whenHolds(r: PayerRule): boolean {
    return r.when !== 'telehealth' || this.telehealth;
  }

  // -------------------------------------------------------------- payer
  checkPayer(): void {
    if (this.payerId === undefined) {
      this.flag(
        'NO_COVERAGE',
        'The encounter has no insurance coverage: add the patient’s plan or mark it self-pay.',
        'coverages',
      );
      return;
    }
    if (!this.t.payer(this.payerId, this.dos))
      this.flag(
        'PAYER_UNKNOWN',
        `Payer id ${this.payerId} is not in the payer table: check the patient’s insurance or add the payer.`,
        'coverages[0].payerId',
      );
  }

  // -------------------------------------------------------------- diagnoses
  codeDiagnoses(): void {
    const inputs = this.enc.diagnoses
      .map((d, i) => ({ d, i }))
      .filter((x) => !x.d.humanCoded)
      .sort((a, b) => a.d.seq - b.d.seq);
    for (const { d, i } of inputs) {
      const field = `diagnoses[${i}]`;
      let code: string | undefined;
      const why: Why[] = [];
      if (d.system === 'ICD10') {
        const norm = d.code.replace(/\./g, '').trim().toUpperCase();
        if (!ICD10_RE.test(norm)) {
          this.flag(
            'DX_INVALID_FORMAT',
            `Diagnosis "${d.code}" is not shaped like an ICD-10-CM code.`,
            field,
          );
          continue;
        }
        code = norm;
        why.push({ rule: 'dx.icd10-direct', input: `ICD10:${d.code}` });
      } else {
        const key = mapKey(d.system, d.code);
        const row =
          this.t.dxMap(key, this.dos) ??
          (d.text ? this.t.dxMap(mapKey('TEXT', d.text), this.dos) : undefined);
        if (!row) {
          this.flag(
            'DX_UNMAPPED',
            `Diagnosis ${d.system} ${d.code} has no ICD-10-CM mapping: code it by hand or add it to the diagnosis map.`,
            field,
          );
          continue;
        }
        code = row.code;
        why.push({ rule: `dx_map:${row.key}`, input: `${d.system}:${d.code}` });
      }
      if (!this.checkIcd10(code, field, why)) continue;
      const existing = this.diagnoses.findIndex((x) => x.code === code);
      if (existing >= 0) {
        this.diagnoses[existing]!.why.push(...why);
        this.seqToPointer.set(d.seq, existing + 1);
        continue;
      }
      this.diagnoses.push({ code, why });
      this.seqToPointer.set(d.seq, this.diagnoses.length);
    }
    if (this.diagnoses.length > 12)
      this.flag(
        'DX_TOO_MANY',
        `The claim can carry 12 diagnoses; this encounter has ${this.diagnoses.length}.`,
        'diagnoses',
      );
    if (
      this.enc.kind === 'medical' &&
      this.diagnoses.length === 0 &&
      !this.review.some((r) => r.code.startsWith('DX_') || r.code.startsWith('ICD10_'))
    )
      this.flag(
        'DX_MISSING',
        'The encounter has no diagnosis: a medical claim needs at least one ICD-10-CM code.',
        'diagnoses',
      );
  }

  /** ICD-10-CM must exist, be billable (not a category header) and be valid on the date of service. */
  checkIcd10(code: string, field: string, why: Why[]): boolean {
    if (!this.cs.hasIcd10()) {
      why.push({ rule: 'icd10.unchecked', input: 'no ICD-10-CM release imported' });
      return true;
    }
    const e = this.cs.icd10(code, this.dos);
    if (!e) {
      if (this.cs.icd10Exists?.(code))
        this.flag(
          'ICD10_INACTIVE',
          `ICD-10-CM ${dotted(code)} is not valid on the date of service ${this.dos}.`,
          field,
        );
      else this.flag('ICD10_UNKNOWN', `ICD-10-CM ${dotted(code)} does not exist.`, field);
      return false;
    }
    if (!e.billable) {
      const kids = this.cs.icd10Children(code, this.dos).slice(0, 4).map(dotted);
      this.flag(
        'ICD10_NOT_BILLABLE',
        `ICD-10-CM ${dotted(code)} is a category heading, not a billable code` +
          (kids.length ? `: choose a more specific code (e.g. ${kids.join(', ')}).` : '.'),
        field,
      );
      return false;
    }
    why.push({ rule: 'icd10.valid', input: `${dotted(code)} billable on ${this.dos}` });
    if (/unspecified/i.test(e.description) && code.length > 3) {
      const siblings = this.cs.icd10Children(code.slice(0, -1), this.dos).filter((c) => c !== code);
      if (siblings.length > 0) {
        const mode = this.t.setting('unspecified_dx', this.dos) ?? 'review';
        const msg = `ICD-10-CM ${dotted(code)} is unspecified and more specific codes exist (${siblings.slice(0, 4).map(dotted).join(', ')}): confirm with the provider.`;
        if (mode === 'review') this.flag('ICD10_UNSPECIFIED', msg, field);
        else why.push({ rule: 'icd10.unspecified', input: msg });
      }
    }
    return true;
  }

  pointersFor(seqs: number[] | undefined, field: string, all: boolean): { pointers: number[]; why?: Why } {
    if (seqs && seqs.length > 0) {
      const out: number[] = [];
      for (const s of seqs) {
        const p = this.seqToPointer.get(s);
        if (p === undefined) {
          if (!this.enc.diagnoses.some((d) => d.seq === s && !d.humanCoded))
            this.flag(
              'DX_POINTER_INVALID',
              `The procedure points at diagnosis #${s}, which the encounter does not have.`,
              field,
            );
          continue;
        }
        if (!out.includes(p)) out.push(p);
      }
      return { pointers: out.slice(0, 4) };
    }
    if (this.diagnoses.length === 0) return { pointers: [] };
    const n = all ? Math.min(4, this.diagnoses.length) : 1;
    return {
      pointers: Array.from({ length: n }, (_, i) => i + 1),
      why: { rule: all ? 'dx.pointer-all' : 'dx.pointer-primary', input: 'no diagnosis pointers sent' },
    };
  }

  // -------------------------------------------------------------- E/M (CPT 2021 office/outpatient, 2024 time wording)
  codeEm(): void {
    const enc = this.enc;
    if (enc.kind !== 'medical') return;
    const wants =
      enc.visitType !== undefined ||
      enc.mdm !== undefined ||
      enc.totalMinutes !== undefined ||
      enc.nurseVisit === true;
    if (!wants) return;
    const { pointers, why: pWhy } = this.pointersFor(undefined, 'visitType', true);
    const base = (code: string, why: Why[]): WorkLine => ({
      code,
      modifiers: [],
      units: 1,
      pointers,
      dateOfService: this.dos,
      why: pWhy ? [...why, pWhy] : why,
      kind: 'em',
      field: 'visitType',
    });
    if (enc.nurseVisit) {
      // 99211 is an established-patient service that may not need a physician (CPT descriptor).
      if (enc.visitType === 'new') {
        this.flag(
          'EM_NURSE_NEW_PATIENT',
          'A nurse visit (99211) is for established patients only, but the visit is marked new.',
          'nurseVisit',
        );
        return;
      }
      const nurse = this.t.emLevels('established', this.dos).find((l) => l.nurse);
      if (!nurse) {
        this.flag('EM_TABLE_MISSING', 'No nurse-visit E/M level is configured for this date.', 'nurseVisit');
        return;
      }
      this.lines.push(base(nurse.code, [{ rule: `em_levels:${nurse.key}`, input: 'nurseVisit=true' }]));
      return;
    }
    if (enc.visitType === undefined) {
      this.flag(
        'EM_NO_VISIT_TYPE',
        'The visit has MDM or time but does not say whether the patient is new or established.',
        'visitType',
      );
      return;
    }
    if (enc.mdm === undefined && enc.totalMinutes === undefined) {
      this.flag(
        'EM_NO_MDM_OR_TIME',
        'The office visit has neither a medical decision making level nor a total time: the E/M level cannot be chosen.',
        'mdm',
      );
      return;
    }
    const levels = this.t.emLevels(enc.visitType, this.dos).filter((l) => !l.nurse);
    if (levels.length === 0) {
      this.flag(
        'EM_TABLE_MISSING',
        `No ${enc.visitType}-patient E/M levels are configured for ${this.dos}.`,
        'visitType',
      );
      return;
    }
    const byMdm = enc.mdm ? levels.find((l) => l.mdm === enc.mdm) : undefined;
    // CPT 2024: "when using total time ... N minutes must be met or exceeded" (the 2021 ranges'
    // lower bounds became thresholds; the upper bounds only matter for the prolonged add-on).
    let byTime: EmLevelRow | undefined;
    const minutes = enc.totalMinutes;
    if (minutes !== undefined)
      for (const l of levels) if (l.minMinutes !== undefined && minutes >= l.minMinutes) byTime = l;
    if (!byMdm && !byTime) {
      this.flag(
        'EM_TIME_BELOW_MINIMUM',
        `Total time ${minutes ?? 0} min is below the lowest ${enc.visitType}-patient level (${levels[0]?.minMinutes ?? '?'} min) and there is no MDM level.`,
        'totalMinutes',
      );
      return;
    }
    const rank = (l: EmLevelRow | undefined) => (l ? levels.indexOf(l) : -1);
    const chosen = rank(byTime) > rank(byMdm) ? byTime! : byMdm!;
    const why: Why[] = [];
    if (byMdm) why.push({ rule: `em_levels:${byMdm.key}`, input: `mdm=${enc.mdm}` });
    if (byTime)
      why.push({
        rule: `em_levels:${byTime.key}`,
        input: `totalMinutes=${minutes} (>= ${byTime.minMinutes})`,
      });
    if (byMdm && byTime && byMdm !== byTime)
      why.push({
        rule: 'em.higher-of-mdm-or-time',
        input: `MDM supports ${byMdm.code}, time supports ${byTime.code}`,
      });
    this.lines.push(base(chosen.code, why));

    // Prolonged add-on only when the top level was selected by time (CPT 99417 / CMS G2212 descriptors).
    const top = levels[levels.length - 1]!;
    if (byTime === top && chosen === top && minutes !== undefined) {
      const pRule = this.rule('prolonged_code');
      const pCode = pRule?.replacement ?? '99417';
      const p = this.t.emProlonged(pCode, enc.visitType, this.dos);
      if (!p) {
        if (pRule)
          this.flag(
            'EM_TABLE_MISSING',
            `Prolonged code ${pCode} has no thresholds configured.`,
            'totalMinutes',
          );
        return;
      }
      if (p.primary === chosen.code && minutes >= p.firstUnitAt) {
        const units = 1 + Math.floor((minutes - p.firstUnitAt) / p.unitMinutes);
        const pw: Why[] = [
          {
            rule: `em_prolonged:${p.key}`,
            input: `totalMinutes=${minutes}, first unit at ${p.firstUnitAt}, +1 per ${p.unitMinutes}`,
          },
        ];
        if (pRule)
          pw.push({ rule: `payer_rules:${pRule.key}`, input: `payer ${this.payerId} uses ${pCode}` });
        this.lines.push({ ...base(p.code, pw), units, kind: 'prolonged' });
      }
    }
  }

  // -------------------------------------------------------------- procedures
  codeProcedures(): void {
    this.enc.procedures.forEach((p, i) => {
      if (p.humanCoded) return;
      const line = this.codeProcedure(p, `procedures[${i}]`);
      if (line) this.lines.push(line);
    });
  }

  codeProcedure(p: ProcedureInput, field: string): WorkLine | undefined {
    const why: Why[] = [];
    const dos = p.date ?? this.dos;
    let code: string | undefined;
    let row: ProcMapRow | undefined;
    const sys = p.system;
    if (sys === 'CPT' || sys === 'HCPCS' || sys === 'CDT') {
      const c = p.code.trim().toUpperCase();
      const ok = sys === 'CDT' ? CDT_RE.test(c) : CPT_RE.test(c) || HCPCS_RE.test(c);
      if (!ok) {
        this.flag(
          'PROC_INVALID_CODE',
          `Procedure code "${p.code}" is not a valid ${sys} code.`,
          `${field}.code`,
        );
        return undefined;
      }
      code = c;
      row = this.t.procMap(mapKey(sys, c), dos);
      why.push({ rule: `${sys.toLowerCase()}.direct`, input: `${sys}:${c}` });
    } else {
      row =
        this.t.procMap(mapKey(sys, p.code), dos) ??
        (p.text ? this.t.procMap(mapKey('TEXT', p.text), dos) : undefined);
      if (!row) {
        this.flag(
          'PROC_UNMAPPED',
          `Procedure ${sys} ${p.code}${p.text ? ` (${p.text})` : ''} has no billing-code mapping: code it by hand or add it to the procedure map.`,
          `${field}.code`,
        );
        return undefined;
      }
      why.push({ rule: `proc_map:${row.key}`, input: `${sys}:${p.code}` });
      code = row.code;
    }
    const line: WorkLine = {
      code: code ?? '',
      modifiers: [],
      units: 1,
      pointers: [],
      dateOfService: dos,
      why,
      kind: EM_CODE.test(code ?? '') ? 'em' : 'procedure',
      em25: row?.em25,
      ehrCharge: p.chargeCents,
      field,
    };
    if (p.tooth) line.tooth = p.tooth.trim().toUpperCase();
    if (p.surfaces) line.surfaces = p.surfaces;
    if (p.area) line.area = p.area;
    if (row?.cdtType && !this.cdtFromType(row.cdtType, line, field)) return undefined;
    if (!line.code) {
      this.flag('PROC_UNMAPPED', `The mapping for ${sys} ${p.code} gives no billing code.`, `${field}.code`);
      return undefined;
    }
    if (CDT_RE.test(line.code)) this.checkDental(line, field);
    else if (HCPCS_RE.test(line.code) && this.cs.hasHcpcs?.() && !this.cs.hcpcs?.(line.code, dos))
      this.flag(
        'PROC_HCPCS_UNKNOWN',
        `HCPCS code ${line.code} is not valid on ${dos} (unknown, or terminated).`,
        `${field}.code`,
      );

    const units = p.units ?? row?.units ?? 1;
    if (!Number.isInteger(units) || units < 1 || units > 999)
      this.flag(
        'PROC_UNITS_INVALID',
        `Units for ${line.code} must be a whole number from 1 to 999 (got ${units}).`,
        `${field}.units`,
      );
    else line.units = units;

    for (const m of [...(row?.modifiers ?? []), ...(p.modifiers ?? [])]) {
      const mm = m.trim().toUpperCase();
      if (!MODIFIER_RE.test(mm)) {
        this.flag(
          'PROC_MODIFIER_INVALID',
          `Modifier "${m}" on ${line.code} is not a valid modifier.`,
          `${field}.modifiers`,
        );
        continue;
      }
      addModifier(line, mm);
    }
    if (row?.modifiers?.length)
      why.push({ rule: `proc_map:${row.key}`, input: `modifiers ${row.modifiers.join(' ')}` });
    if (p.laterality) {
      const m = p.laterality === 'left' ? 'LT' : p.laterality === 'right' ? 'RT' : '50';
      if (addModifier(line, m))
        why.push({ rule: 'modifier.laterality', input: `laterality=${p.laterality}` });
    } else if (row?.laterality && !line.modifiers.some((m) => m === 'LT' || m === 'RT' || m === '50'))
      this.flag(
        'PROC_LATERALITY_MISSING',
        `${line.code} needs a side (left, right or bilateral) and none was sent.`,
        `${field}.laterality`,
      );

    const { pointers, why: pWhy } = this.pointersFor(p.diagnosisSeqs, `${field}.diagnosisSeqs`, false);
    line.pointers = pointers;
    if (pWhy) why.push(pWhy);
    return line;
  }

  /** Restorations by type and surface count: e.g. posterior composite D2391-D2394 for 1/2/3/4+ surfaces. */
  cdtFromType(type: string, line: WorkLine, field: string): boolean {
    const tooth = line.tooth ? parseTooth(line.tooth) : undefined;
    if (!line.tooth) {
      this.flag('DENTAL_TOOTH_MISSING', `A ${type} restoration needs a tooth number.`, `${field}.tooth`);
      return false;
    }
    if (!tooth) {
      this.flag(
        'DENTAL_TOOTH_INVALID',
        `"${line.tooth}" is not a tooth (1-32, A-T, 51-82, AS-TS).`,
        `${field}.tooth`,
      );
      return false;
    }
    if (!line.surfaces) {
      this.flag(
        'DENTAL_SURFACES_MISSING',
        `A ${type} restoration on tooth ${tooth.id} needs its surfaces.`,
        `${field}.surfaces`,
      );
      return false;
    }
    const sc = checkSurfaces(line.surfaces, tooth.region);
    if (sc.problem) {
      this.flag('DENTAL_SURFACES_INVALID', `Tooth ${tooth.id}: ${sc.problem}.`, `${field}.surfaces`);
      return false;
    }
    const count = Math.min(sc.count, 4);
    const code = this.t.cdtRule(type, tooth.region, count, line.dateOfService);
    if (!code) {
      this.flag(
        'CDT_UNMAPPED',
        `No CDT code is configured for a ${tooth.region} ${type} with ${count} surface(s).`,
        `${field}.code`,
      );
      return false;
    }
    line.code = code;
    line.surfaces = sc.surfaces;
    line.why.push({
      rule: `cdt_rules:${type}:${tooth.region}:${count}`,
      input: `tooth ${tooth.id} (${tooth.region}), surfaces ${sc.surfaces}`,
    });
    return true;
  }

  checkDental(line: WorkLine, field: string): void {
    const spec = this.t.cdtCode(line.code, line.dateOfService);
    const tooth = line.tooth ? parseTooth(line.tooth) : undefined;
    if (line.tooth && !tooth) {
      this.flag(
        'DENTAL_TOOTH_INVALID',
        `"${line.tooth}" is not a tooth (1-32, A-T, 51-82, AS-TS).`,
        `${field}.tooth`,
      );
      return;
    }
    if (tooth) line.tooth = tooth.id;
    if (line.surfaces !== undefined && tooth) {
      const sc = checkSurfaces(line.surfaces, tooth.region);
      if (sc.problem)
        this.flag('DENTAL_SURFACES_INVALID', `Tooth ${tooth.id}: ${sc.problem}.`, `${field}.surfaces`);
      else {
        line.surfaces = sc.surfaces;
        const shape = this.t.cdtShape(line.code);
        if (shape && Math.min(sc.count, 4) !== shape.surfaces)
          this.flag(
            'DENTAL_SURFACE_COUNT',
            `${line.code} is a ${shape.surfaces}${shape.surfaces === 4 ? '+' : ''}-surface code but ${sc.count} surface(s) were sent (${sc.surfaces}).`,
            `${field}.surfaces`,
          );
        if (shape && shape.region !== 'any' && shape.region !== tooth.region)
          this.flag(
            'DENTAL_REGION_MISMATCH',
            `${line.code} is for ${shape.region} teeth but tooth ${tooth.id} is ${tooth.region}.`,
            `${field}.tooth`,
          );
      }
    }
    if (!spec) return;
    line.why.push({ rule: `cdt_codes:${spec.code}`, input: 'tooth/surface/area requirements' });
    if (spec.tooth === 'required' && !tooth)
      this.flag('DENTAL_TOOTH_MISSING', `${line.code} needs a tooth number.`, `${field}.tooth`);
    if (spec.tooth === 'none' && tooth)
      this.flag(
        'DENTAL_TOOTH_NOT_ALLOWED',
        `${line.code} is not reported per tooth; remove the tooth number.`,
        `${field}.tooth`,
      );
    if (spec.surfaces === 'required' && !line.surfaces)
      this.flag('DENTAL_SURFACES_MISSING', `${line.code} needs the restored surfaces.`, `${field}.surfaces`);
    if (tooth && spec.dentition && spec.dentition !== 'any' && spec.dentition !== tooth.dentition)
      this.flag(
        'DENTAL_DENTITION',
        `${line.code} is for ${spec.dentition} teeth but tooth ${tooth.id} is ${tooth.dentition}.`,
        `${field}.tooth`,
      );
    if (spec.area === 'quadrant' || spec.area === 'arch') {
      const area = line.area ? parseArea(line.area) : undefined;
      if (!area && spec.arch) {
        line.area = spec.arch;
        line.why.push({ rule: `cdt_codes:${spec.code}`, input: `arch ${spec.arch} implied by the code` });
      } else if (!area) {
        this.flag(
          'DENTAL_AREA_MISSING',
          `${line.code} is reported per ${spec.area}: send the ${spec.area === 'quadrant' ? 'quadrant (UR, UL, LR, LL)' : 'arch (U or L)'}.`,
          `${field}.area`,
        );
      } else if (area.kind !== spec.area) {
        this.flag(
          'DENTAL_AREA_INVALID',
          `${line.code} is reported per ${spec.area}, but "${line.area}" is a ${area.kind}.`,
          `${field}.area`,
        );
      } else if (spec.arch && area.value !== spec.arch) {
        this.flag(
          'DENTAL_AREA_INVALID',
          `${line.code} is for the ${spec.arch === 'U' ? 'upper' : 'lower'} arch, but ${area.value} was sent.`,
          `${field}.area`,
        );
      } else line.area = area.value;
    } else if (line.area && !parseArea(line.area)) {
      this.flag(
        'DENTAL_AREA_INVALID',
        `"${line.area}" is not a quadrant (UR UL LR LL) or arch (U L).`,
        `${field}.area`,
      );
    }
  }

  // -------------------------------------------------------------- E/M sent by the EHR vs computed
  reconcileEm(): void {
    const computed = this.lines.filter((l) => l.kind === 'em' && l.field === 'visitType');
    const sent = this.lines.filter((l) => l.kind === 'em' && l.field !== 'visitType');
    if (sent.length === 0) return;
    if (computed.length === 0) {
      if (sent.length > 1)
        this.flag(
          'EM_CONFLICT',
          `The EHR sent ${sent.length} office visit codes for one encounter.`,
          sent[1]!.field,
        );
      return;
    }
    const c = computed[0]!;
    for (const s of sent) {
      if (s.code === c.code) c.why.push({ rule: 'em.ehr-agrees', input: `${s.field}=${s.code}` });
      else
        this.flag(
          'EM_CONFLICT',
          `The EHR sent ${s.code} but the documented MDM/time supports ${c.code}: confirm the visit level.`,
          s.field,
        );
    }
    this.lines = this.lines.filter((l) => !sent.includes(l));
  }

  // -------------------------------------------------------------- telehealth, payer rules, modifiers
  applyTelehealth(): void {
    if (!this.telehealth) return;
    const r = this.rule('telehealth_modifier');
    const m = r?.modifier ?? '95';
    for (const l of this.lines) {
      if (l.kind === 'procedure') continue;
      if (addModifier(l, m))
        l.why.push({
          rule: r ? `payer_rules:${r.key}` : 'em.telehealth-95',
          input:
            this.enc.telehealth && !TELEHEALTH_POS.has(this.enc.placeOfService)
              ? 'telehealth=true'
              : `POS ${this.enc.placeOfService}`,
        });
    }
  }

  applySubstitutions(): void {
    for (const r of this.rules) {
      if (r.kind !== 'substitute' || !r.code || !r.replacement || !this.whenHolds(r)) continue;
      if (r.withCode && !this.lines.some((l) => l.code === r.withCode)) continue;
      for (const l of this.lines)
        if (l.code === r.code) {
          l.code = r.replacement;
          l.why.push({
            rule: `payer_rules:${r.key}`,
            input: `payer ${this.payerId}: ${r.code} → ${r.replacement}`,
          });
        }
    }
  }

  applyRequiredModifiers(): void {
    for (const r of this.rules) {
      if (r.kind !== 'require_modifier' || !r.modifier || !this.whenHolds(r)) continue;
      for (const l of this.lines)
        if ((!r.code || r.code === '*' || r.code === l.code) && addModifier(l, r.modifier))
          l.why.push({ rule: `payer_rules:${r.key}`, input: `payer ${this.payerId} requires ${r.modifier}` });
    }
    const pos = this.rules.find((r) => r.kind === 'pos_override' && r.pos && this.whenHolds(r));
    if (pos?.pos && pos.pos !== this.enc.placeOfService) this.placeOfService = pos.pos;
  }

  /** Modifier 25 on the E/M when a same-day procedure needs it; NCCI PTP edits between lines. */
  applyNcci(): void {
    const em = this.lines.find((l) => l.kind === 'em');
    const procs = this.lines.filter((l) => l.kind === 'procedure');
    if (em) {
      for (const p of procs) {
        const edit = this.cs.ptp(p.code, em.code, em.dateOfService);
        if (edit?.modifierIndicator === '0') {
          this.flag(
            'NCCI_PTP_NO_BYPASS',
            `NCCI bundles ${em.code} into ${p.code} with no modifier allowed: the visit is not payable separately.`,
            em.field,
          );
          continue;
        }
        const why = p.em25
          ? { rule: 'modifier.25', input: `same-day procedure ${p.code} (proc_map em25)` }
          : edit?.modifierIndicator === '1'
            ? { rule: 'modifier.25', input: `NCCI PTP ${p.code}/${em.code} modifier indicator 1` }
            : undefined;
        if (why && addModifier(em, '25')) em.why.push(why);
      }
    }
    const hasPtp = this.cs.hasPtp?.() ?? false;
    for (const b of procs) {
      let bypassEdit = false;
      for (const a of procs) {
        if (a === b) continue;
        const edit = this.cs.ptp(a.code, b.code, b.dateOfService);
        if (!edit || edit.modifierIndicator === '9') continue;
        if (edit.modifierIndicator === '0') {
          this.flag(
            'NCCI_PTP_NO_BYPASS',
            `NCCI bundles ${b.code} into ${a.code} (modifier indicator 0): ${b.code} is not payable on the same day, even with a modifier.`,
            b.field,
          );
          continue;
        }
        const distinct = b.modifiers.find((m) => DISTINCT_MODIFIERS.has(m));
        const anatA = a.modifiers.filter((m) => ANATOMIC_MODIFIERS.has(m));
        const anatB = b.modifiers.filter((m) => ANATOMIC_MODIFIERS.has(m));
        const differentSite = anatB.length > 0 && anatA.length > 0 && !anatB.some((m) => anatA.includes(m));
        const differentTooth = a.tooth !== undefined && b.tooth !== undefined && a.tooth !== b.tooth;
        if (distinct || differentSite || differentTooth) {
          bypassEdit = true;
          b.why.push({
            rule: 'ncci.bypass',
            input: `PTP ${a.code}/${b.code} indicator 1, ${distinct ? `modifier ${distinct}` : differentSite ? `sites ${anatA.join('/')} vs ${anatB.join('/')}` : 'different teeth'}`,
          });
        } else
          this.flag(
            'NCCI_PTP_MODIFIER_NEEDED',
            `NCCI bundles ${b.code} into ${a.code}: if it was a separate site or session, add XS, XE, XP, XU or 59 in the EHR; otherwise remove ${b.code}.`,
            b.field,
          );
      }
      // 59/X{EPSU} only where an NCCI edit with modifier indicator 1 allows it (NCCI Policy Manual ch. I.E).
      if (!bypassEdit && hasPtp)
        for (const m of b.modifiers.filter((x) => DISTINCT_MODIFIERS.has(x))) {
          b.modifiers = b.modifiers.filter((x) => x !== m);
          b.why.push({
            rule: 'ncci.distinct-not-needed',
            input: `modifier ${m} removed: no NCCI edit pairs ${b.code} with another code here`,
          });
        }
    }
  }

  checkMueAndAddons(): void {
    const byCode = new Map<string, WorkLine[]>();
    for (const l of this.lines) {
      const list = byCode.get(l.code);
      if (list) list.push(l);
      else byCode.set(l.code, [l]);
    }
    for (const [code, ls] of byCode) {
      const mue = this.cs.mue(code, ls[0]!.dateOfService);
      if (mue) {
        const perLine = mue.adjudicationIndicator === '1';
        const total = ls.reduce((n, l) => n + l.units, 0);
        const worst = perLine ? Math.max(...ls.map((l) => l.units)) : total;
        if (worst > mue.value)
          this.flag(
            'MUE_EXCEEDED',
            `${code} has ${worst} unit(s) ${perLine ? 'on one line' : 'on this date'}; the NCCI MUE allows ${mue.value}.`,
            ls[0]!.field,
          );
      }
      const primaries = this.cs.addonPrimaries(code);
      if (primaries && primaries.length > 0 && !this.lines.some((l) => primaries.includes(l.code)))
        this.flag(
          'ADDON_WITHOUT_PRIMARY',
          `${code} is an add-on code and none of its primary codes (${primaries.slice(0, 5).join(', ')}${primaries.length > 5 ? ', …' : ''}) is on the claim.`,
          ls[0]!.field,
        );
    }
  }

  // -------------------------------------------------------------- fees
  price(): ChargeLine[] {
    const ehrMode = this.t.setting('ehr_charge', this.dos) ?? 'never';
    const bilateralPct = Number(this.t.setting('bilateral_fee_percent', this.dos) ?? '200') || 200;
    return this.lines.map((l) => {
      if (l.modifiers.length > 4)
        this.flag(
          'MODIFIERS_TOO_MANY',
          `${l.code} has ${l.modifiers.length} modifiers; a claim line carries at most 4.`,
          l.field,
        );
      const pricing = l.modifiers.find((m) => PRICING_MODIFIERS.includes(m));
      let cents: number | undefined;
      if (ehrMode === 'prefer' && l.ehrCharge !== undefined) {
        cents = l.ehrCharge;
        l.why.push({
          rule: 'fee.ehr-charge',
          input: `EHR charge ${l.ehrCharge} cents (settings ehr_charge=prefer)`,
        });
      } else {
        const payerFee = this.payerId
          ? this.t.fee(this.payerId, l.code, pricing, l.dateOfService)
          : undefined;
        const fee = payerFee ?? this.t.fee('STANDARD', l.code, pricing, l.dateOfService);
        if (fee !== undefined) {
          const bilateral = l.modifiers.includes('50');
          cents = bilateral ? Math.round((fee * bilateralPct) / 100) : fee * l.units;
          l.why.push({
            rule: payerFee !== undefined ? `fee_schedule:${this.payerId}` : 'fee_schedule:STANDARD',
            input: bilateral
              ? `${l.code} ${fee} cents × ${bilateralPct}% (bilateral)`
              : `${l.code} ${fee} cents × ${l.units}`,
          });
        } else if (ehrMode === 'fallback' && l.ehrCharge !== undefined) {
          cents = l.ehrCharge;
          l.why.push({
            rule: 'fee.ehr-charge',
            input: `no fee schedule entry; EHR charge ${l.ehrCharge} cents`,
          });
        }
      }
      if (cents === undefined) {
        this.flag(
          'FEE_MISSING',
          `${l.code} has no fee in the fee schedule for ${this.dos}: add a fee before billing.`,
          l.field,
        );
        cents = 0;
      }
      const out: ChargeLine = {
        code: l.code,
        modifiers: orderModifiers(l.modifiers),
        units: l.units,
        chargeCents: cents,
        diagnosisPointers: l.pointers,
        dateOfService: l.dateOfService,
        why: l.why,
      };
      if (l.tooth !== undefined) out.tooth = l.tooth;
      if (l.surfaces !== undefined) out.surfaces = l.surfaces;
      if (l.area !== undefined) out.area = l.area;
      return out;
    });
  }
}

function addModifier(l: WorkLine, m: string): boolean {
  if (l.modifiers.includes(m)) return false;
  l.modifiers.push(m);
  return true;
}

function orderModifiers(ms: string[]): string[] {
  const pricing = ms.filter((m) => PRICING_MODIFIERS.includes(m));
  return pricing.length === 0 ? ms : [...pricing, ...ms.filter((m) => !PRICING_MODIFIERS.includes(m))];
}

/** Code one encounter. Deterministic: the same input, tables and code sets give the same result. */
export function codeEncounter(enc: EncounterInput, tables: CodingTables, codeSets: CodeSets): CodedEncounter {
  const c = new Coder(enc, tables, codeSets);
  c.checkPayer();
  c.codeDiagnoses();
  c.codeEm();
  c.codeProcedures();
  c.reconcileEm();
  c.applyTelehealth();
  c.applySubstitutions();
  c.applyNcci();
  c.checkMueAndAddons();
  c.applyRequiredModifiers();
  const lines = c.price();
  if (
    lines.length === 0 &&
    !c.review.some(
      (r) =>
        r.code.startsWith('EM_') ||
        r.code.startsWith('PROC_') ||
        r.code.startsWith('CDT_') ||
        r.code.startsWith('DENTAL_'),
    )
  )
    c.flag(
      'NOTHING_TO_BILL',
      'The encounter has no office visit level and no procedures: nothing to bill.',
      'procedures',
    );
  const out: CodedEncounter = { diagnoses: c.diagnoses, lines, review: c.review };
  if (c.placeOfService !== undefined) {
    out.placeOfService = c.placeOfService;
    lines[0]?.why.push({
      rule: 'payer.pos-override',
      input: `POS ${enc.placeOfService} → ${c.placeOfService}`,
    });
  }
  return out;
}

/** A CodeSets that knows nothing (no official files imported): the engine then skips those checks. */
export const emptyCodeSets: CodeSets = {
  hasIcd10: () => false,
  icd10: () => undefined,
  icd10Children: () => [],
  ptp: () => undefined,
  mue: () => undefined,
  addonPrimaries: () => undefined,
  hasPtp: () => false,
  hasHcpcs: () => false,
};

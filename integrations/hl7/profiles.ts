// Per-EHR profiles: where an EHR puts what billing needs. Every EHR fills the same HL7 segments a
// little differently (POS in PV1-3 or FT1-16, MDM level in an OBX, "final" on the DFT itself or on
// a later MDM^T02). A profile says so as data, so a new EHR is a new profile, not new code.

import type { EncounterKind, MdmLevel } from '../../appliance/domain/types.js';

/**
 * A field reference: 'SEG-f', 'SEG-f.c' or 'SEG-f.c.s' (1-based, HL7 numbering), optionally with a
 * filter on another field of the same segment: 'OBX[3=MDM]-5' reads OBX-5 of the first OBX whose
 * OBX-3.1 is MDM. Scope 'FT1' refs read the charge line's own FT1.
 */
export type FieldRef = string;

export interface Hl7Profile {
  name: string;
  kind: EncounterKind;
  /**
   * Which message says the visit is final: 'dft' (a DFT^P03 is itself final), or 'mdm' (the DFT
   * carries charges, the note is final when an MDM^T02/T04 arrives with TXA-17 in finalStatuses).
   */
  finalSignal: 'dft' | 'mdm';
  /** TXA-17 document completion status values meaning final (HL7 table 0271: AU authenticated, LA legally authenticated). */
  finalStatuses: string[];
  /** Message types (MSH-9.1) that are understood but not ours: stored and ACKed AA, not acted on. */
  ignoredMessageCodes: string[];
  /**
   * Where the visit number (our encounter key with the sending system) is: the first ref that is not
   * empty wins. DFT and MDM both read it. Default DEFAULT_VISIT_NUMBER. PID-18 (patient account
   * number) is per visit in some EHRs and per patient in others: add it only for an EHR known to
   * send one account per visit, or different visits would replace each other.
   */
  visitNumber?: FieldRef[];
  /** CMS place-of-service code: the first ref that holds a 2-digit code wins, else defaultPos. */
  pos: FieldRef[];
  defaultPos: string;
  /** Local POS/location values to CMS POS codes (e.g. 'TELE' → '10'). */
  posMap: Record<string, string>;
  mdm?: FieldRef;
  /** Values an EHR sends for the MDM level, upper-cased, to our levels. */
  mdmMap: Record<string, MdmLevel>;
  totalMinutes?: FieldRef;
  visitType?: FieldRef;
  visitTypeMap: Record<string, 'new' | 'established'>;
  /** Ref holding 'Y' when the visit was a nurse visit (99211). */
  nurseVisit?: FieldRef;
  /** Prior authorization number. */
  authorization?: FieldRef;
  /** DG1-3.3 (else DG1-2) coding system values (upper-cased) to ours; others are LOCAL. */
  diagnosisSystems: Record<string, 'ICD10' | 'SNOMED' | 'LOCAL'>;
  /** DG1-3 carries SNOMED (or local) first and ICD-10-CM as the CE alternate (DG1-3.4-6): use the ICD-10. */
  preferIcd10Alternate?: boolean;
  /** FT1-25.3 / PR1-3.3 coding system values (upper-cased) to ours. */
  procedureSystems: Record<string, 'CPT' | 'HCPCS' | 'CDT' | 'SNOMED' | 'LOCAL'>;
  /** When a procedure code carries no coding system. */
  defaultProcedureSystem: 'CPT' | 'HCPCS' | 'CDT' | 'SNOMED' | 'LOCAL';
  /** FT1 field whose repetitions are procedure modifiers (HL7: FT1-26); undefined for none. */
  modifierField: number | undefined;
  /** Dental: where the tooth number, surfaces and area (quadrant/arch) of a charge line are. */
  tooth?: FieldRef;
  surfaces?: FieldRef;
  area?: FieldRef;
  /** HL7 timestamps without an offset are in this offset (e.g. '-0600'); '+0000' by default. */
  defaultOffset: string;
}

/** PV1-19 visit number, then PV1-50 alternate visit id (both per visit by definition, HL7 v2.5 §3.4.3). */
export const DEFAULT_VISIT_NUMBER: FieldRef[] = ['PV1-19', 'PV1-50'];

const commonDiagnosisSystems: Hl7Profile['diagnosisSystems'] = {
  I10: 'ICD10',
  I10C: 'ICD10',
  ICD10: 'ICD10',
  ICD10CM: 'ICD10',
  'ICD-10-CM': 'ICD10',
  SCT: 'SNOMED',
  SNM: 'SNOMED',
  SNOMED: 'SNOMED',
  SNOMEDCT: 'SNOMED',
  // ICD-9-CM (DG1-2 or DG1-3.3): never ICD-10, though its V and E codes have ICD-10 shapes.
  I9: 'LOCAL',
  I9C: 'LOCAL',
  ICD9: 'LOCAL',
  ICD9CM: 'LOCAL',
  'ICD-9-CM': 'LOCAL',
};

const commonProcedureSystems: Hl7Profile['procedureSystems'] = {
  C4: 'CPT',
  C5: 'CPT',
  CPT: 'CPT',
  CPT4: 'CPT',
  HCPCS: 'HCPCS',
  HCPC: 'HCPCS',
  HCPT: 'HCPCS',
  CDT: 'CDT',
  CDT2: 'CDT',
  ADA: 'CDT',
  SCT: 'SNOMED',
  SNOMED: 'SNOMED',
  // HL7 table 0396: 'L' is a local code set; EHR exports also spell it out.
  L: 'LOCAL',
  LOCAL: 'LOCAL',
};

const commonMdm: Hl7Profile['mdmMap'] = {
  SF: 'straightforward',
  STRAIGHTFORWARD: 'straightforward',
  MINIMAL: 'straightforward',
  L: 'low',
  LOW: 'low',
  M: 'moderate',
  MOD: 'moderate',
  MODERATE: 'moderate',
  H: 'high',
  HIGH: 'high',
};

/**
 * A generic HL7 2.5 EHR: DFT^P03 is final; POS in PV1-3.1 (or the charge's FT1-16.1); MDM level,
 * total time and visit type in OBX observations (OBX-3.1 MDM / TOTTIME / VISITTYPE), visit type
 * also from PV2-7 (visit user code).
 */
export const generic25: Hl7Profile = {
  name: 'generic-2.5',
  kind: 'medical',
  finalSignal: 'dft',
  finalStatuses: ['AU', 'LA'],
  ignoredMessageCodes: ['ADT', 'SIU', 'ORU', 'ORM', 'MFN', 'BAR', 'VXU', 'ACK'],
  visitNumber: DEFAULT_VISIT_NUMBER,
  pos: ['PV1-3.1', 'FT1-16.1'],
  defaultPos: '11',
  posMap: { OFFICE: '11', TELE: '10', TELEHOME: '10', TELEFAC: '02', HOME: '12', URGENT: '20' },
  mdm: 'OBX[3=MDM]-5',
  mdmMap: commonMdm,
  totalMinutes: 'OBX[3=TOTTIME]-5',
  visitType: 'OBX[3=VISITTYPE]-5',
  visitTypeMap: { N: 'new', NEW: 'new', NP: 'new', E: 'established', EST: 'established', EP: 'established' },
  nurseVisit: 'OBX[3=NURSEVISIT]-5',
  // IN1-14 authorization information (AUI: number^date^source).
  authorization: 'IN1-14.1',
  diagnosisSystems: commonDiagnosisSystems,
  preferIcd10Alternate: true,
  procedureSystems: commonProcedureSystems,
  defaultProcedureSystem: 'CPT',
  modifierField: 26,
  defaultOffset: '+0000',
};

/**
 * A generic dental EHR: charges are CDT codes (FT1-25, coding system CDT/ADA). Dental claims carry
 * no CPT modifiers, so dental exports reuse FT1-26 (procedure code modifier) for tooth^surfaces^area
 * (the Open Dental style; unconfirmed against each vendor, so it is profile data, not code). The
 * visit is final when the note is signed: MDM^T02/T04 with TXA-17 AU or LA.
 */
export const dentalGeneric: Hl7Profile = {
  name: 'dental-generic',
  kind: 'dental',
  finalSignal: 'mdm',
  finalStatuses: ['AU', 'LA'],
  ignoredMessageCodes: ['ADT', 'SIU', 'ORU', 'ORM', 'MFN', 'BAR', 'ACK'],
  visitNumber: DEFAULT_VISIT_NUMBER,
  pos: ['PV1-3.1'],
  defaultPos: '11',
  posMap: { OFFICE: '11', CLINIC: '11', SCHOOL: '03', MOBILE: '15' },
  mdmMap: commonMdm,
  visitType: 'PV2-7.1',
  visitTypeMap: { N: 'new', NEW: 'new', NP: 'new', E: 'established', EST: 'established', R: 'established' },
  diagnosisSystems: commonDiagnosisSystems,
  procedureSystems: commonProcedureSystems,
  defaultProcedureSystem: 'CDT',
  modifierField: undefined,
  tooth: 'FT1-26.1',
  surfaces: 'FT1-26.2',
  area: 'FT1-26.3',
  defaultOffset: '+0000',
};

export const PROFILES: Record<string, Hl7Profile> = {
  [generic25.name]: generic25,
  [dentalGeneric.name]: dentalGeneric,
};

/** The profile named in config (intake.profile); undefined for an unknown name. */
export function getProfile(name: string): Hl7Profile | undefined {
  return PROFILES[name];
}

export interface CompiledRef {
  segment: string;
  field: number;
  component: number;
  subcomponent: number;
  filter?: { field: number; value: string };
}

/** Parse a FieldRef once; undefined for a malformed one (reported by validateProfile). */
export function compileRef(ref: FieldRef): CompiledRef | undefined {
  const m = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)=([^\]]*)\])?-(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(ref);
  if (!m) return undefined;
  const out: CompiledRef = {
    segment: m[1]!,
    field: Number(m[4]),
    component: m[5] ? Number(m[5]) : 1,
    subcomponent: m[6] ? Number(m[6]) : 1,
  };
  if (m[2]) out.filter = { field: Number(m[2]), value: m[3]! };
  return out;
}

/** Every problem of a profile at once (config validation reports them together). */
export function validateProfile(p: Hl7Profile): string[] {
  const problems: string[] = [];
  const refs: [string, FieldRef | undefined][] = [
    ['mdm', p.mdm],
    ['totalMinutes', p.totalMinutes],
    ['visitType', p.visitType],
    ['nurseVisit', p.nurseVisit],
    ['authorization', p.authorization],
    ['tooth', p.tooth],
    ['surfaces', p.surfaces],
    ['area', p.area],
    ...p.pos.map((r, i): [string, FieldRef] => [`pos[${i}]`, r]),
    ...(p.visitNumber ?? []).map((r, i): [string, FieldRef] => [`visitNumber[${i}]`, r]),
  ];
  for (const [key, ref] of refs)
    if (ref !== undefined && !compileRef(ref))
      problems.push(`${p.name}.${key}: bad field reference '${ref}'`);
  if (p.visitNumber?.length === 0) problems.push(`${p.name}.visitNumber: name at least one field`);
  if (!/^\d{2}$/.test(p.defaultPos)) problems.push(`${p.name}.defaultPos: must be a 2-digit POS code`);
  if (!/^[+-]\d{4}$/.test(p.defaultOffset)) problems.push(`${p.name}.defaultOffset: must look like -0600`);
  return problems;
}

// The domain model every stage shares. No I/O here: plain data types and their vocabularies.
// Money is always integer cents. Dates of service are 'YYYY-MM-DD'; instants are ISO-8601 UTC strings.

/** Encounter status (ARCHITECTURE.md "Statuses"). */
export const ENCOUNTER_STATUSES = ['received', 'coded', 'needs_review', 'scrubbed', 'claimed'] as const;
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];

/** Claim status (ARCHITECTURE.md "Statuses"). */
export const CLAIM_STATUSES = [
  'draft',
  'ready',
  'submitted',
  'accepted',
  'rejected',
  'paid',
  'partially_paid',
  'denied',
  'void',
  'replaced',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export type Sex = 'M' | 'F' | 'U';
export type EncounterKind = 'medical' | 'dental';

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  state: string; // 2-letter
  zip: string; // 5 or 9 digits
}

export interface Person {
  lastName: string;
  firstName: string;
  middleName?: string;
  dob: string; // YYYY-MM-DD
  sex: Sex;
  address?: Address;
  phone?: string;
}

export interface Patient extends Person {
  /** The EHR's medical record number (PHI: never log it; audit shows the last 4 at most). */
  mrn: string;
}

/** 2000B SBR02 / 2000C PAT01 individual relationship, simplified. */
export type Relationship = 'self' | 'spouse' | 'child' | 'other';

export interface Coverage {
  /** 1 primary, 2 secondary, 3 tertiary. */
  order: 1 | 2 | 3;
  /** Clearinghouse payer id (2010BB NM109). */
  payerId: string;
  payerName: string;
  memberId: string;
  groupNumber?: string;
  /** SBR09 claim filing indicator, e.g. CI commercial, MB Medicare B, MC Medicaid, BL BCBS. */
  filingIndicator?: string;
  relationship: Relationship;
  /** The subscriber when not the patient (relationship !== 'self'). */
  subscriber?: Person;
}

export interface Practitioner {
  npi: string;
  lastName: string;
  firstName?: string;
  taxonomy?: string;
}

/** Diagnosis as the EHR sent it. `system` says what `code` is. */
export interface DiagnosisInput {
  /** 1-based order on the encounter. */
  seq: number;
  system: 'ICD10' | 'SNOMED' | 'LOCAL';
  code: string;
  text?: string;
  /** A code a person assigned (parallel-testing mode), not used to bill. */
  humanCoded?: boolean;
}

/** A procedure/charge as the EHR sent it (FT1/PR1 or JSON). */
export interface ProcedureInput {
  system: 'CPT' | 'HCPCS' | 'CDT' | 'SNOMED' | 'LOCAL';
  code: string;
  text?: string;
  modifiers?: string[];
  units?: number;
  /** Charge the EHR sent, if any; the fee schedule decides otherwise. */
  chargeCents?: number;
  /** 1-based seq numbers of DiagnosisInput, in priority order. */
  diagnosisSeqs?: number[];
  /** Service date if different from the encounter's. */
  date?: string;
  laterality?: 'left' | 'right' | 'bilateral';
  /** Dental: tooth 1-32, A-T, supernumerary 51-82 / AS-TS. */
  tooth?: string;
  /** Dental: surfaces from M O D B L F I. */
  surfaces?: string;
  /** Dental: quadrant UR UL LR LL or arch U L. */
  area?: string;
  /** A code a person assigned (parallel-testing mode), not used to bill. */
  humanCoded?: boolean;
}

/** Medical decision making level under the 2021 office/outpatient E/M rules. */
export type MdmLevel = 'straightforward' | 'low' | 'moderate' | 'high';

/**
 * The normalized encounter: what intake produces from HL7 or JSON and what coding consumes.
 * This is also the body of `POST /api/encounters`.
 */
export interface EncounterInput {
  kind: EncounterKind;
  /** Where it came from: the EHR's name and its visit/encounter number (PV1-19). */
  source: { system: string; visitNumber: string };
  patient: Patient;
  guarantor?: Person;
  coverages: Coverage[];
  rendering: Practitioner;
  referring?: Practitioner;
  /** Service facility when not the billing provider's address. */
  facility?: { name: string; npi?: string; address: Address };
  dateOfService: string;
  endDate?: string;
  /** CMS place-of-service code, e.g. 11 office, 02/10 telehealth. */
  placeOfService: string;
  visitType?: 'new' | 'established';
  mdm?: MdmLevel;
  totalMinutes?: number;
  /** The EHR says this was a nurse visit (99211). */
  nurseVisit?: boolean;
  telehealth?: boolean;
  authorizationNumber?: string;
  diagnoses: DiagnosisInput[];
  procedures: ProcedureInput[];
  /** When the note was finalized (the clock for "finalized → accepted"). */
  finalizedAt: string;
}

/** One reason a code was chosen: which rule, which input. */
export interface Why {
  rule: string;
  input: string;
}

export interface CodedDiagnosis {
  code: string; // ICD-10-CM without the dot
  why: Why[];
}

/** A billable line after coding. */
export interface ChargeLine {
  code: string; // CPT/HCPCS/CDT
  modifiers: string[];
  units: number;
  chargeCents: number;
  /** 1-based pointers into CodedEncounter.diagnoses, at most 4. */
  diagnosisPointers: number[];
  dateOfService: string;
  tooth?: string;
  surfaces?: string;
  area?: string;
  why: Why[];
}

export interface ReviewReason {
  code: string; // machine code, e.g. EM_NO_MDM_OR_TIME
  message: string; // a biller's sentence
  field?: string;
}

export interface CodedEncounter {
  diagnoses: CodedDiagnosis[];
  lines: ChargeLine[];
  /** Non-empty means the encounter goes to needs_review. */
  review: ReviewReason[];
  /** Place of service the claim must carry when a payer rule overrides the EHR's (2300 CLM05-1). */
  placeOfService?: string;
}

/** Billing provider and submitter identity, from config (the practice). */
export interface BillingProvider {
  name: string;
  npi: string;
  taxId: string; // EIN 9 digits
  taxonomy?: string;
  address: Address;
  contactName: string;
  contactPhone: string;
}

/** Claim frequency code, 2300 CLM05-3. */
export type ClaimFrequency = '1' | '7' | '8';

export interface ClaimLine {
  lineNumber: number;
  code: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  diagnosisPointers: number[];
  dateOfService: string;
  tooth?: string;
  surfaces?: string;
  area?: string;
  /**
   * 837D SV304 when it names more than one oral cavity area (X224A2 allows five): all of them, `area`
   * being the first. Absent for one area or none.
   */
  areas?: string[];
}

/** Everything an 837 needs for one claim. The X12 writer turns a batch of these into a file. */
export interface Claim {
  kind: EncounterKind;
  /** Patient control number, 2300 CLM01; echoed back as 835 CLP01. Max 20 chars. */
  patientControlNumber: string;
  frequency: ClaimFrequency;
  /** Payer's claim control number of the claim being replaced/voided (2300 REF*F8). */
  originalClaimNumber?: string;
  billing: BillingProvider;
  rendering: Practitioner;
  referring?: Practitioner;
  facility?: { name: string; npi?: string; address: Address };
  patient: Patient;
  coverage: Coverage;
  placeOfService: string;
  priorAuthorization?: string;
  /** ICD-10-CM codes without dots; index+1 is the pointer. Max 12. */
  diagnoses: string[];
  lines: ClaimLine[];
  totalChargeCents: number;
}

/** Result envelope for parsers: bad input is data, not an exception (STYLE.md). */
export interface Diagnostic {
  code: string;
  message: string;
  severity: 'error' | 'warning';
  /** e.g. segment index / id, field number, or a JSON path. */
  segment?: string;
  position?: number;
  field?: string;
}

export interface Parsed<T> {
  value: T | undefined;
  diagnostics: Diagnostic[];
}

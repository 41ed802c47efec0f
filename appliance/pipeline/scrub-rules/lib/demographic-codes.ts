// Sex- and age-specific code ranges we can state from public structure, not from a licensed list.
//
// ICD-10-CM: whole tabular blocks whose titles name one sex or the newborn period (CDC ICD-10-CM
// tabular list): O00-O9A pregnancy, childbirth and the puerperium; Z33-Z3A pregnancy encounters
// (Z33 pregnant state, Z34 normal pregnancy supervision, Z36 antenatal screening, Z37 outcome of
// delivery, Z39 postpartum care, Z3A weeks of gestation; Z38 liveborn infants is newborn);
// C51-C58 / C60-C63 malignant neoplasms of female / male genital organs; D25-D28 benign neoplasms of
// uterus, ovary and other female genital organs; D29 benign neoplasm of male genital organs;
// N40-N53 diseases of male genital organs; N70-N98 female pelvic organs and genital tract;
// P00-P96 conditions originating in the perinatal period.
// Age windows follow the CMS Medicare Code Editor age-conflict edit: newborn age 0, maternity 9-64.
//
// CPT: the sections of the CPT code set (AMA): 54000-55899 male genital system, 56405-58999
// female genital system, 59000-59899 maternity care and delivery.
//
// CMS no longer holds claims on sex alone (practitioner claims for transgender and intersex
// patients; modifier KX tells the payer the service is appropriate), so these produce warnings.

export type SexOnly = 'M' | 'F';

interface Range {
  from: string;
  to: string;
}

/** Compare ICD-10-CM codes (no dot) by their first three characters. */
function inCategoryRange(code: string, ranges: readonly Range[]): boolean {
  const cat = code.slice(0, 3).toUpperCase();
  return ranges.some((r) => cat >= r.from && cat <= r.to);
}

const PREGNANCY: readonly Range[] = [
  { from: 'O00', to: 'O9A' },
  { from: 'Z33', to: 'Z37' },
  { from: 'Z39', to: 'Z3A' },
];
const FEMALE_DX: readonly Range[] = [
  ...PREGNANCY,
  { from: 'C51', to: 'C58' },
  { from: 'D25', to: 'D28' },
  { from: 'N70', to: 'N98' },
];
const MALE_DX: readonly Range[] = [
  { from: 'C60', to: 'C63' },
  { from: 'D29', to: 'D29' },
  { from: 'N40', to: 'N53' },
];
const NEWBORN_DX: readonly Range[] = [
  { from: 'P00', to: 'P96' },
  { from: 'Z38', to: 'Z38' },
];

// Z3A sorts after Z39 and before Z40 ('A' > '9' in ASCII), so the ranges above hold as strings.

export function diagnosisSex(code: string): SexOnly | undefined {
  if (inCategoryRange(code, FEMALE_DX)) return 'F';
  if (inCategoryRange(code, MALE_DX)) return 'M';
  return undefined;
}

/** Age window [min, max] in years at the date of service, and what it is called. */
export function diagnosisAge(code: string): { min: number; max: number; label: string } | undefined {
  if (inCategoryRange(code, NEWBORN_DX)) return { min: 0, max: 0, label: 'newborn (perinatal)' };
  if (inCategoryRange(code, PREGNANCY)) return { min: 9, max: 64, label: 'maternity' };
  return undefined;
}

export function procedureSex(code: string): SexOnly | undefined {
  if (!/^\d{5}$/.test(code)) return undefined;
  const n = Number(code);
  if (n >= 54000 && n <= 55899) return 'M';
  if (n >= 56405 && n <= 59899) return 'F';
  return undefined;
}

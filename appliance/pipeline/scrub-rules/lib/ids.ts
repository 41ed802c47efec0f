// Identifier checks shared by rules (and reusable by the web/config side).

/**
 * NPI check digit: the Luhn formula over the 9 identifying digits prefixed with 80840 (the ISO
 * 7812 card-issuer prefix for US health applications), per the CMS "Requirements for NPI check
 * digit" (NPPES). A valid NPI is 10 digits starting 1 (individual) or 2 (organization).
 */
export function isValidNpi(npi: string): boolean {
  if (!/^[12]\d{9}$/.test(npi)) return false;
  return luhnValid(`80840${npi}`);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The check digit that makes `first9` a valid NPI (for building synthetic fixtures). */
export function npiCheckDigit(first9: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(`80840${first9}${d}`)) return d;
  throw new Error('unreachable: some digit always satisfies Luhn');
}

/**
 * EIN prefixes the IRS has never assigned ("How EINs are assigned and valid EIN prefixes",
 * irs.gov): every other two-digit prefix belongs to a campus, the internet, or the SBA.
 */
// prettier-ignore
const UNASSIGNED_EIN_PREFIXES = new Set([
  '00', '07', '08', '09', '17', '18', '19', '28', '29', '49', '69', '70', '78', '79', '89', '96', '97',
]);

export type EinProblem = 'format' | 'hyphen' | 'prefix';

/** Why a tax id is not a usable 2010AA REF*EI EIN (9 digits, no hyphen), or undefined if it is. */
export function einProblem(taxId: string): EinProblem | undefined {
  if (/^\d{2}-\d{7}$/.test(taxId)) return 'hyphen';
  if (!/^\d{9}$/.test(taxId)) return 'format';
  if (UNASSIGNED_EIN_PREFIXES.has(taxId.slice(0, 2))) return 'prefix';
  return undefined;
}

import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { isValidNpi } from './lib/ids.js';

/** Every NPI on the claim passes the CMS check-digit test (Luhn over 80840 + NPI). */
export default defineRule({
  id: 'npi-check-digit',
  severity: 'error',
  description: 'Every NPI on the claim is 10 digits with a correct check digit.',
  *problems(claim): Iterable<Problem> {
    const npis: [string, string | undefined, string][] = [
      ['billing.npi', claim.billing.npi, 'billing provider'],
      ['rendering.npi', claim.rendering.npi, 'rendering provider'],
      ['referring.npi', claim.referring?.npi, 'referring provider'],
      ['facility.npi', claim.facility?.npi, 'service facility'],
    ];
    for (const [field, npi, who] of npis) {
      // A missing NPI is the required-* rules' finding; here only a present one is checked.
      if (npi === undefined || npi.trim() === '') continue;
      if (!isValidNpi(npi))
        yield {
          message: `The ${who} NPI ${npi} is not a valid NPI (wrong length or check digit).`,
          fix: 'Look the NPI up in the NPPES registry and correct the typo.',
          field,
        };
    }
  },
});

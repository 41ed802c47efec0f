import { defineRule, type Problem } from './types.js';

/**
 * 2010AA billing provider: name, NPI, tax id (REF*EI) and a street address with a 9-digit ZIP
 * (N403 must be ZIP+4 for the billing provider in 5010; a PO box is not allowed there).
 */
export default defineRule({
  id: 'required-billing',
  severity: 'error',
  description: 'Billing provider name, NPI, tax id and street address with ZIP+4 are present.',
  *problems(claim): Iterable<Problem> {
    const b = claim.billing;
    if (!b.name.trim())
      yield {
        message: 'Billing provider (practice) name is missing.',
        fix: 'Set the practice name in the billing settings.',
        field: 'billing.name',
      };
    if (!b.npi.trim())
      yield {
        message: 'Billing provider NPI is missing.',
        fix: 'Set the practice’s group NPI in the billing settings.',
        field: 'billing.npi',
      };
    if (!b.taxId.trim())
      yield {
        message: 'Practice tax id (EIN) is missing.',
        fix: 'Set the practice’s EIN in the billing settings.',
        field: 'billing.taxId',
      };
    const a = b.address;
    if (!a.line1.trim() || !a.city.trim() || !/^[A-Z]{2}$/.test(a.state))
      yield {
        message: 'Billing provider address is incomplete.',
        fix: 'Enter street, city and 2-letter state in the billing settings.',
        field: 'billing.address',
      };
    else if (/^\s*(P\.?\s*O\.?\s*BOX|POST OFFICE BOX)\b/i.test(a.line1))
      yield {
        message: 'Billing provider address is a PO box; 837 claims need a street address there.',
        fix: 'Use the practice’s street address (a PO box can go in the pay-to address).',
        field: 'billing.address.line1',
      };
    if (!/^\d{9}$/.test(a.zip))
      yield {
        message: 'Billing provider ZIP code must have all 9 digits (ZIP+4).',
        fix: 'Enter the full ZIP+4 of the practice address, digits only.',
        field: 'billing.address.zip',
      };
  },
});

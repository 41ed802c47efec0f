// Claim Adjustment Reason Codes (CARC, X12 external code list 139) and Remittance Advice Remark
// Codes (RARC, code list 411) as a biller needs them: which work queue a denial belongs in, what
// to do about it, and whether a corrected claim (2300 CLM05-3 frequency 7) is the right answer.
// The descriptions are short paraphrases of the published code texts.

export const DENIAL_CATEGORIES = [
  'modifier_issue',
  'missing_information',
  'duplicate',
  'timely_filing',
  'non_covered',
  'bundled',
  'prior_auth',
  'eligibility',
  'other',
] as const;
export type DenialCategory = (typeof DENIAL_CATEGORIES)[number];

/** Biller-facing labels for the work queue. */
export const DENIAL_CATEGORY_LABELS: Record<DenialCategory, string> = {
  modifier_issue: 'Modifier issue',
  missing_information: 'Missing or invalid information',
  duplicate: 'Duplicate',
  timely_filing: 'Timely filing',
  non_covered: 'Non-covered service',
  bundled: 'Bundled / included in another service',
  prior_auth: 'Prior authorization',
  eligibility: 'Eligibility / coverage',
  other: 'Other',
};

/** What an adjustment means for the books, before any denial category. */
export type AdjustmentKind = 'patient_responsibility' | 'contractual' | 'denial' | 'correction';

export interface CarcInfo {
  code: string;
  category: DenialCategory;
  description: string;
  suggestedAction: string;
  /** Fixing the claim and sending it as a replacement (CLM05-3 = 7) can resolve it. */
  correctedClaimFits: boolean;
}

interface Entry {
  category: DenialCategory;
  description: string;
  action: string;
  corrected: boolean;
}

const FIX = 'Correct the claim and resubmit it as a replacement (frequency 7) with the payer claim number.';

const TABLE: Record<string, Entry> = {
  '4': {
    category: 'modifier_issue',
    description: 'Procedure code inconsistent with the modifier, or a required modifier is missing',
    action: `Check the modifier (e.g. 25, 59/X{EPSU}, LT/RT, TC/26) against the payer policy. ${FIX}`,
    corrected: true,
  },
  '182': {
    category: 'modifier_issue',
    description: 'Procedure modifier was invalid on the date of service',
    action: `Replace the modifier with one valid on the date of service. ${FIX}`,
    corrected: true,
  },
  '5': {
    category: 'missing_information',
    description: 'Procedure code or bill type inconsistent with the place of service',
    action: `Verify the place of service (2300 CLM05-1 / 2400 SV105). ${FIX}`,
    corrected: true,
  },
  '6': {
    category: 'missing_information',
    description: "Procedure or revenue code inconsistent with the patient's age",
    action: `Verify the patient's date of birth and the procedure code. ${FIX}`,
    corrected: true,
  },
  '7': {
    category: 'missing_information',
    description: "Procedure or revenue code inconsistent with the patient's sex",
    action: `Verify the patient's sex and the procedure code. ${FIX}`,
    corrected: true,
  },
  '11': {
    category: 'missing_information',
    description: 'Diagnosis inconsistent with the procedure',
    action: `Review the diagnosis pointers and codes against the documentation. ${FIX}`,
    corrected: true,
  },
  '16': {
    category: 'missing_information',
    description: 'Claim or service lacks information or has submission/billing errors',
    action: `Read the remark codes (RARC) for the missing item, add it. ${FIX}`,
    corrected: true,
  },
  '125': {
    category: 'missing_information',
    description: 'Submission or billing error(s)',
    action: `Read the remark codes (RARC) for the error. ${FIX}`,
    corrected: true,
  },
  '146': {
    category: 'missing_information',
    description: 'Diagnosis was invalid for the date of service',
    action: `Use an ICD-10-CM code valid on the date of service, coded to the highest specificity. ${FIX}`,
    corrected: true,
  },
  '181': {
    category: 'missing_information',
    description: 'Procedure code was invalid on the date of service',
    action: `Use a procedure code valid on the date of service. ${FIX}`,
    corrected: true,
  },
  '252': {
    category: 'missing_information',
    description: 'An attachment or other documentation is required',
    action: 'Send the requested documentation (PWK / attachment) referencing the payer claim number.',
    corrected: false,
  },
  '18': {
    category: 'duplicate',
    description: 'Exact duplicate claim or service',
    action:
      'Do not resubmit. Find the original claim and its status; if it was truly a different service, correct it (modifier 76/77/91) as a replacement.',
    corrected: false,
  },
  '29': {
    category: 'timely_filing',
    description: 'The time limit for filing has expired',
    action:
      'Appeal only with proof of timely filing (a 999/277CA acceptance or clearinghouse report within the limit); otherwise write off.',
    corrected: false,
  },
  '50': {
    category: 'non_covered',
    description: "Non-covered: not deemed a 'medical necessity' by the payer",
    action:
      'Check the diagnosis supports the service (LCD/NCD); if coding was wrong, correct it, else appeal with records.',
    corrected: true,
  },
  '96': {
    category: 'non_covered',
    description: 'Non-covered charge(s)',
    action:
      'Check the benefit; bill the patient only if a signed ABN/waiver exists (modifier GA), otherwise write off.',
    corrected: false,
  },
  '49': {
    category: 'non_covered',
    description: 'Routine or preventive service not covered',
    action:
      'Verify the preventive benefit and diagnosis (Z codes); bill the patient if the plan excludes it.',
    corrected: false,
  },
  '119': {
    category: 'non_covered',
    description: 'Benefit maximum for this time period has been reached',
    action: 'Confirm the benefit limit with the payer; bill the patient or a secondary payer.',
    corrected: false,
  },
  '167': {
    category: 'non_covered',
    description: 'The diagnosis is not covered',
    action:
      'Check the diagnosis against payer policy; correct if miscoded, otherwise appeal or bill the patient.',
    corrected: true,
  },
  '204': {
    category: 'non_covered',
    description: "Service not covered under the patient's current benefit plan",
    action: 'Verify benefits; bill the patient or a secondary payer.',
    corrected: false,
  },
  '256': {
    category: 'non_covered',
    description: 'Service not payable per managed care contract',
    action: 'Review the contract terms; write off or appeal.',
    corrected: false,
  },
  '97': {
    category: 'bundled',
    description: 'Included in the payment for another service already adjudicated',
    action: `If the service was distinct (separate site/session), add modifier 59 or XE/XS/XP/XU and send a replacement; otherwise write off. ${FIX}`,
    corrected: true,
  },
  '234': {
    category: 'bundled',
    description: 'This procedure is not paid separately',
    action: 'Write off unless documentation supports a distinct service; then correct with an NCCI modifier.',
    corrected: true,
  },
  '236': {
    category: 'bundled',
    description:
      'Procedure or modifier combination not compatible with another procedure on the same day (NCCI)',
    action: `Check the NCCI PTP edit; if the modifier indicator allows it and documentation supports it, add 59/X{EPSU}. ${FIX}`,
    corrected: true,
  },
  '15': {
    category: 'prior_auth',
    description: 'The authorization number is missing, invalid, or does not apply',
    action: `Put the valid prior authorization number in 2300 REF*G1. ${FIX}`,
    corrected: true,
  },
  '39': {
    category: 'prior_auth',
    description: 'Services denied when authorization was requested',
    action: 'Appeal with medical records, or bill the patient if they signed a waiver.',
    corrected: false,
  },
  '197': {
    category: 'prior_auth',
    description: 'Precertification, authorization or notification absent',
    action:
      'Request a retro-authorization from the payer; if granted, send a replacement with the number in REF*G1, else appeal.',
    corrected: true,
  },
  '198': {
    category: 'prior_auth',
    description: 'Precertification or authorization exceeded',
    action: 'Ask the payer to extend the authorization (units/visits), then send a replacement.',
    corrected: true,
  },
  '22': {
    category: 'eligibility',
    description: 'This care may be covered by another payer (coordination of benefits)',
    action:
      'Update the coverage order, bill the primary payer first, then send the secondary with its remit.',
    corrected: false,
  },
  '26': {
    category: 'eligibility',
    description: 'Expenses incurred before coverage',
    action: 'Verify eligibility dates; bill the correct payer or the patient.',
    corrected: false,
  },
  '27': {
    category: 'eligibility',
    description: 'Expenses incurred after coverage terminated',
    action: 'Verify eligibility (270/271); bill the new payer or the patient.',
    corrected: false,
  },
  '31': {
    category: 'eligibility',
    description: 'Patient cannot be identified as our insured',
    action: `Verify member id, name and date of birth against the insurance card. ${FIX}`,
    corrected: true,
  },
  '32': {
    category: 'eligibility',
    description: 'Patient is not an eligible dependent',
    action:
      'Verify the subscriber relationship and dependent coverage; bill the correct payer or the patient.',
    corrected: false,
  },
  '33': {
    category: 'eligibility',
    description: 'Insured has no dependent coverage',
    action: 'Verify coverage; bill the correct payer or the patient.',
    corrected: false,
  },
  '109': {
    category: 'eligibility',
    description: 'Claim or service not covered by this payer or contractor',
    action: 'Send the claim to the correct payer or contractor.',
    corrected: false,
  },
  '140': {
    category: 'eligibility',
    description: 'Patient/insured health identification number and name do not match',
    action: `Correct the member id or name as printed on the card. ${FIX}`,
    corrected: true,
  },
  '8': {
    category: 'other',
    description: 'Procedure code inconsistent with the provider type or specialty (taxonomy)',
    action: `Check the rendering provider and taxonomy code. ${FIX}`,
    corrected: true,
  },
  '185': {
    category: 'other',
    description: 'The rendering provider is not eligible to perform the service billed',
    action: 'Check the rendering provider enrollment/credentialing with the payer.',
    corrected: true,
  },
  B7: {
    category: 'other',
    description: 'Provider was not certified or eligible to be paid for this service on this date',
    action: 'Check the provider enrollment effective dates with the payer.',
    corrected: false,
  },
  '151': {
    category: 'other',
    description: 'Information submitted does not support this many or this frequency of services',
    action: 'Review units and frequency (MUE); appeal with documentation or correct the units.',
    corrected: true,
  },
};

/** Reductions that are the contract working as agreed, not denials (CO-45 fee schedule, CO-253 sequestration...). */
const CONTRACTUAL = new Set(['45', '253', '59', '94', '23', '237', '144', '131', '42']);
/** PR-1/2/3 and friends: moved to the patient as agreed by the plan. */
const COST_SHARE = new Set(['1', '2', '3', '66', '241', '248']);

/** A short text for any CARC, known or not. */
export function carcDescription(code: string): string {
  if (code === '1') return 'Deductible amount';
  if (code === '2') return 'Coinsurance amount';
  if (code === '3') return 'Co-payment amount';
  if (code === '45') return 'Charge exceeds fee schedule / maximum allowable';
  if (code === '253') return 'Sequestration: reduction of federal payment';
  return TABLE[code]?.description ?? `CARC ${code}`;
}

/**
 * How an adjustment (CAS group + CARC) affects the books. CAS01 groups: CO contractual obligation,
 * PR patient responsibility, OA other, PI payer initiated, CR correction and reversal.
 */
export function adjustmentKind(group: string, code: string): AdjustmentKind {
  if (group === 'CR') return 'correction';
  if (group === 'PR') return 'patient_responsibility';
  if (CONTRACTUAL.has(code) || COST_SHARE.has(code)) return 'contractual';
  return 'denial';
}

/**
 * The work-queue category, suggested action and whether a corrected claim fits, for one CARC.
 * Remark codes sharpen the category where they say more than the CARC (CO-16 with N54 about an
 * authorization is a prior-auth problem; with M51 it is a procedure code problem).
 */
export function classifyCarc(code: string, rarcs: readonly string[] = []): CarcInfo {
  const c = code.trim().toUpperCase();
  const entry = TABLE[c];
  let category: DenialCategory = entry?.category ?? 'other';
  if (c === '16' || c === '125' || c === '252') {
    if (rarcs.some((r) => AUTH_RARCS.has(r))) category = 'prior_auth';
    else if (rarcs.some((r) => MODIFIER_RARCS.has(r))) category = 'modifier_issue';
  }
  return {
    code: c,
    category,
    description: carcDescription(c),
    suggestedAction:
      entry?.action ??
      'Read the remark codes and the payer policy; appeal or correct and resubmit as needed.',
    correctedClaimFits: entry?.corrected ?? false,
  };
}

/** RARCs saying the authorization is the problem. */
const AUTH_RARCS = new Set(['M62', 'N54', 'MA123']);
/** RARCs saying a modifier is missing or wrong. */
const MODIFIER_RARCS = new Set(['N519', 'M78', 'N822', 'N657']);

const RARC_TEXT: Record<string, string> = {
  M51: 'Missing/incomplete/invalid procedure code(s)',
  M76: 'Missing/incomplete/invalid diagnosis or condition',
  M62: 'Missing/incomplete/invalid treatment authorization code',
  M78: 'Missing/incomplete/invalid HCPCS modifier',
  M20: 'Missing/incomplete/invalid HCPCS',
  M86: 'Service denied because payment already made for same/similar procedure within set time frame',
  MA04: 'Secondary payment cannot be considered without the identity of or payment information from the primary payer',
  MA130: 'Claim contains incomplete and/or invalid information; no appeal rights; submit a new claim',
  N4: 'Missing/incomplete/invalid prior insurance carrier EOB',
  N54: 'Claim information is inconsistent with pre-certified/authorized services',
  N56: 'Procedure code billed is not correct/valid for the services billed or the date of service billed',
  N130: 'Consult plan benefit documents/guidelines for information about restrictions for this service',
  N290: 'Missing/incomplete/invalid rendering provider primary identifier',
  N382: 'Missing/incomplete/invalid patient identifier',
  N519: 'Invalid combination of HCPCS modifiers',
  N657: 'This should be billed with the appropriate code for these services',
};

/** RARCs are passed through as the payer sent them, with a short text when we know one. */
export function describeRarc(code: string): { code: string; description?: string } {
  const c = code.trim().toUpperCase();
  const description = RARC_TEXT[c];
  return description ? { code: c, description } : { code: c };
}

// Validation of the JSON encounter shape (POST /api/encounters body, REST poller items): the same
// shape as EncounterInput (appliance/domain/types.ts), checked field by field so an EHR developer
// sees every problem at once, each with its path ("procedures.0.units").

import { z } from 'zod';
import type { EncounterInput } from '../../appliance/domain/types.js';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a real calendar date');
const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /T/.test(s), 'an ISO-8601 date-time');
const sex = z.enum(['M', 'F', 'U']);
const npi = z.string().regex(/^\d{10}$/, '10 digits');

const address = z.object({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  state: z.string().regex(/^[A-Z]{2}$/, 'a 2-letter state code'),
  zip: z.string().regex(/^\d{5}(\d{4})?$/, '5 or 9 digits'),
});

const person = z.object({
  lastName: z.string().min(1),
  firstName: z.string(),
  middleName: z.string().optional(),
  dob: date,
  sex,
  address: address.optional(),
  phone: z
    .string()
    .regex(/^\d{10}$/, '10 digits')
    .optional(),
});

const practitioner = z.object({
  npi,
  lastName: z.string().min(1),
  firstName: z.string().optional(),
  taxonomy: z.string().optional(),
});

const coverage = z.object({
  order: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  payerId: z.string().min(1),
  payerName: z.string().min(1),
  memberId: z.string().min(1),
  groupNumber: z.string().optional(),
  filingIndicator: z.string().optional(),
  relationship: z.enum(['self', 'spouse', 'child', 'other']),
  subscriber: person.optional(),
});

const diagnosis = z.object({
  seq: z.number().int().positive(),
  system: z.enum(['ICD10', 'SNOMED', 'LOCAL']),
  code: z.string().min(1),
  text: z.string().optional(),
});

const procedure = z.object({
  system: z.enum(['CPT', 'HCPCS', 'CDT', 'SNOMED', 'LOCAL']),
  code: z.string().min(1),
  text: z.string().optional(),
  modifiers: z
    .array(z.string().regex(/^[A-Z0-9]{2}$/, 'a 2-character modifier'))
    .max(4)
    .optional(),
  units: z.number().positive().optional(),
  chargeCents: z.number().int('integer cents').nonnegative().optional(),
  diagnosisSeqs: z.array(z.number().int().positive()).optional(),
  date: date.optional(),
  laterality: z.enum(['left', 'right', 'bilateral']).optional(),
  tooth: z
    .string()
    .regex(/^([1-9]|[12]\d|3[0-2]|[A-T]|5[1-9]|[67]\d|8[0-2]|[A-T]S)$/, 'a tooth 1-32, A-T or supernumerary')
    .optional(),
  surfaces: z
    .string()
    .regex(/^[MODBLFI]{1,5}$/, 'surfaces from M O D B L F I')
    .optional(),
  area: z.enum(['UR', 'UL', 'LR', 'LL', 'U', 'L']).optional(),
  humanCoded: z.boolean().optional(),
});

export const encounterSchema = z
  .object({
    kind: z.enum(['medical', 'dental']),
    source: z.object({ system: z.string().min(1), visitNumber: z.string().min(1) }),
    patient: person.extend({ mrn: z.string().min(1) }),
    guarantor: person.optional(),
    coverages: z.array(coverage).max(3),
    rendering: practitioner,
    referring: practitioner.optional(),
    facility: z.object({ name: z.string().min(1), npi: npi.optional(), address }).optional(),
    dateOfService: date,
    endDate: date.optional(),
    placeOfService: z.string().regex(/^\d{2}$/, 'a 2-digit CMS place-of-service code'),
    visitType: z.enum(['new', 'established']).optional(),
    mdm: z.enum(['straightforward', 'low', 'moderate', 'high']).optional(),
    totalMinutes: z.number().int().positive().optional(),
    nurseVisit: z.boolean().optional(),
    telehealth: z.boolean().optional(),
    authorizationNumber: z.string().optional(),
    diagnoses: z.array(diagnosis),
    procedures: z.array(procedure).min(1, 'at least one procedure'),
    finalizedAt: instant,
  })
  .superRefine((e, ctx) => {
    const seqs = new Set(e.diagnoses.map((d) => d.seq));
    e.procedures.forEach((p, i) =>
      p.diagnosisSeqs?.forEach((s, k) => {
        if (!seqs.has(s))
          ctx.addIssue({
            code: 'custom',
            path: ['procedures', i, 'diagnosisSeqs', k],
            message: `no diagnosis with seq ${s}`,
          });
      }),
    );
    if (e.endDate && e.endDate < e.dateOfService)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'before dateOfService' });
  });

export interface FieldError {
  /** Dotted path into the body, e.g. 'procedures.0.units'; '' for the body itself. */
  path: string;
  message: string;
}

/** Validate a JSON body into an EncounterInput; every problem is reported, none thrown. */
export function validateEncounterJson(body: unknown): { value?: EncounterInput; errors: FieldError[] } {
  const r = encounterSchema.safeParse(body);
  if (r.success) return { value: r.data, errors: [] };
  return {
    errors: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}

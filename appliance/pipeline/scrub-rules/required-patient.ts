import { defineRule, type Problem } from './types.js';
import { isDate } from './lib/dates.js';

/** 2010BA/2010CA NM1 patient name and DMG date of birth and sex: required on 837P and 837D. */
export default defineRule({
  id: 'required-patient',
  severity: 'error',
  description: 'Patient last name, first name, date of birth and sex are present and valid.',
  *problems(claim, ctx): Iterable<Problem> {
    const p = claim.patient;
    if (!p.lastName.trim())
      yield {
        message: 'Patient last name is missing.',
        fix: 'Enter the patient’s last name as on the insurance card.',
        field: 'patient.lastName',
      };
    if (!p.firstName.trim())
      yield {
        message: 'Patient first name is missing.',
        fix: 'Enter the patient’s first name as on the insurance card.',
        field: 'patient.firstName',
      };
    if (!isDate(p.dob))
      yield {
        message: 'Patient date of birth is missing or not a real date.',
        fix: 'Enter the date of birth as YYYY-MM-DD.',
        field: 'patient.dob',
      };
    else if (p.dob > ctx.today)
      yield {
        message: 'Patient date of birth is in the future.',
        fix: 'Correct the date of birth in the EHR and resend the visit.',
        field: 'patient.dob',
      };
    if (!['M', 'F', 'U'].includes(p.sex))
      yield {
        message: 'Patient sex is missing.',
        fix: 'Record the patient’s sex (M, F, or U for unknown).',
        field: 'patient.sex',
      };
  },
});

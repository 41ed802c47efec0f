import { defineRule, type Problem } from './types.js';
import { isDate } from './lib/dates.js';

/**
 * 2010BA subscriber: member id (NM109) always; when the patient is not the subscriber (SBR02 not
 * 18), the subscriber's own name and date of birth, since the patient then goes in 2000C/2010CA.
 */
export default defineRule({
  id: 'required-subscriber',
  severity: 'error',
  description: 'Member id is present; the subscriber is named when the patient is not the subscriber.',
  *problems(claim): Iterable<Problem> {
    const c = claim.coverage;
    if (!c.memberId.trim())
      yield {
        message: 'Insurance member id is missing.',
        fix: 'Enter the member id from the front of the insurance card.',
        field: 'coverage.memberId',
      };
    else if (!/^[A-Za-z0-9-]{2,80}$/.test(c.memberId))
      yield {
        message: 'Insurance member id has characters payers do not accept.',
        fix: 'Use only the letters and digits printed on the card, without spaces.',
        field: 'coverage.memberId',
      };
    if (c.relationship !== 'self') {
      const s = c.subscriber;
      if (!s || !s.lastName.trim() || !s.firstName.trim())
        yield {
          message: 'The patient is not the policy holder, but the policy holder’s name is missing.',
          fix: 'Enter the subscriber (policy holder) from the insurance card, or set the relationship to self.',
          field: 'coverage.subscriber',
        };
      else if (!isDate(s.dob))
        yield {
          message: 'The policy holder’s date of birth is missing or not a real date.',
          fix: 'Enter the subscriber’s date of birth as YYYY-MM-DD.',
          field: 'coverage.subscriber.dob',
        };
    }
  },
});

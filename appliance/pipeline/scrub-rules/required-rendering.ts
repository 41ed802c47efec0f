import { defineRule, type Problem } from './types.js';

/** 2310B rendering provider: last name and NPI. */
export default defineRule({
  id: 'required-rendering',
  severity: 'error',
  description: 'Rendering provider name and NPI are present.',
  *problems(claim): Iterable<Problem> {
    if (!claim.rendering.npi.trim())
      yield {
        message: 'Rendering provider NPI is missing.',
        fix: 'Add the provider’s individual NPI to the provider list.',
        field: 'rendering.npi',
      };
    if (!claim.rendering.lastName.trim())
      yield {
        message: 'Rendering provider name is missing.',
        fix: 'Add the provider’s name to the provider list.',
        field: 'rendering.lastName',
      };
  },
});

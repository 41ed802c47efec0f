// Which repetition of a repeating XCN provider field (PV1-7/8, FT1-20/21) holds the NPI, and a
// warning at intake when the id taken is not one. Pure.

import type { Diagnostic } from '../../appliance/domain/types.js';
import { npiValid } from '../x12/validate.js';
import { components, get, type Message, type Segment } from './parse.js';

/** The NPI's OID as an HD universal id (XCN-9.2): 2.16.840.1.113883.4.6. */
const NPI_OID = '2.16.840.1.113883.4.6';

/**
 * The components of the repetition of XCN field SEG-n to read the provider from: the one marked NPI
 * (XCN-13 identifier type code, table 0203, or XCN-9 assigning authority NPI / the NPI OID), else
 * the first whose XCN-1 passes the NPI check digit, else the first. EHRs often send a local id first
 * and the NPI in a later repetition.
 */
export function npiRepetition(msg: Message, seg: Segment | undefined, n: number): string[] | undefined {
  // XCN-13 is the last component read here (and by the mapper): the rest are not made.
  const reps = components(msg, seg, n, Infinity, 13);
  if (reps.length <= 1) return reps[0];
  for (let r = 0; r < reps.length; r++) {
    const x = reps[r]!;
    if (
      (x[12] ?? '').toUpperCase() === 'NPI' ||
      (x[8] ?? '').toUpperCase() === 'NPI' ||
      get(msg, seg, n, 9, 2, r) === NPI_OID
    )
      return x;
  }
  return reps.find((x) => npiValid(x[0] ?? '')) ?? reps[0];
}

/** A warning when a provider id taken as an NPI is not 10 digits with a valid check digit. */
export function npiWarning(id: string, field: string, role: string): Diagnostic | undefined {
  if (!id || npiValid(id)) return undefined;
  return {
    code: 'HL7_BAD_NPI',
    message: `${field} ${role} provider id '${id}' is not an NPI (10 digits with a valid check digit)`,
    severity: 'warning',
    segment: field.slice(0, 3),
    field,
  };
}

// The fixture ERA/acks read by the x12 readers and judged by the pure remit stage.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { read277CA, read835, read999 } from '../../integrations/x12/read-acks.js';
import {
  proposePostings,
  reconcile835,
  statusFrom277CA,
  statusFrom999,
} from '../../appliance/pipeline/remit.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../fixtures/clearinghouse', name), 'utf8');

describe('remit over fixture files', () => {
  it('reconciles sample.835 (with PLB) and proposes a paid and a denied claim', () => {
    const remit = read835(fixture('sample.835')).value![0]!;
    expect(reconcile835(remit)).toEqual([]);
    const plan = proposePostings(remit, () => undefined);
    expect(plan.proposals.map((p) => p.outcome)).toEqual(['paid', 'denied']);
    expect(plan.proposals[1]!.denials[0]).toMatchObject({ carc: '16', category: 'missing_information' });
  });

  it('holds sample.835, when BPR02 was doctored by a cent', () => {
    const doctored = fixture('sample.835').replace('BPR*I*152.5*', 'BPR*I*152.51*');
    const plan = proposePostings(read835(doctored).value![0]!, () => undefined);
    expect(plan.postable).toBe(false);
    expect(plan.problems.map((p) => p.code)).toEqual(['PAYMENT_TOTAL_MISMATCH']);
  });

  it('reads sample.999 as accepted and sample.277ca as one accepted claim', () => {
    expect(statusFrom999(read999(fixture('sample.999')).value![0]!).groupAccepted).toBe(true);
    const s = statusFrom277CA(read277CA(fixture('sample.277ca')).value![0]!);
    expect(s.map((c) => [c.patientControlNumber, c.claimStatus])).toEqual([['PCN0001', 'accepted']]);
  });
});

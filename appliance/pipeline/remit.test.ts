import { describe, expect, it } from 'vitest';
import {
  matchLines,
  proposePostings,
  reconcile835,
  statusFrom277CA,
  statusFromTA1,
  widerRejectionsFrom277CA,
  statusFrom999,
  type BilledClaim,
  type RemitDocumentIn,
} from './remit.js';

/** The typed form of test/fixtures/clearinghouse/sample.835 (what the x12 reader yields). */
function sample(): RemitDocumentIn {
  return {
    payment: { amountCents: 15250, handling: 'I', creditDebit: 'C', method: 'ACH', date: '2026-11-22' },
    trace: { number: 'EFT0000101', originatorId: '1512345678' },
    claims: [
      {
        patientControlNumber: 'PCN0001',
        status: '1',
        chargeCents: 25000,
        paidCents: 16000,
        patientResponsibilityCents: 4000,
        payerClaimNumber: 'PAYERICN0001',
        adjustments: [],
        remarks: [],
        services: [
          {
            code: '99213',
            modifiers: [],
            submitted: { code: '99213', modifiers: ['25'] },
            chargeCents: 15000,
            paidCents: 10000,
            date: '2026-11-15',
            adjustments: [
              { group: 'CO', reason: '45', amountCents: 2000 },
              { group: 'PR', reason: '2', amountCents: 3000 },
            ],
            remarks: [],
          },
          {
            code: '36415',
            modifiers: [],
            chargeCents: 10000,
            paidCents: 6000,
            date: '2026-11-15',
            adjustments: [
              { group: 'CO', reason: '45', amountCents: 3000 },
              { group: 'PR', reason: '3', amountCents: 1000 },
            ],
            remarks: [],
          },
        ],
      },
      {
        patientControlNumber: 'PCN0002',
        status: '4',
        chargeCents: 18000,
        paidCents: 0,
        patientResponsibilityCents: 0,
        payerClaimNumber: 'PAYERICN0002',
        adjustments: [],
        remarks: [],
        services: [
          {
            code: '99214',
            modifiers: [],
            chargeCents: 18000,
            paidCents: 0,
            date: '2026-11-16',
            adjustments: [{ group: 'CO', reason: '16', amountCents: 18000 }],
            remarks: ['M51'],
          },
        ],
      },
    ],
    providerAdjustments: [
      {
        providerId: '1234567893',
        items: [
          { reason: 'WO', reference: 'PAYERICN0009', amountCents: 1000 },
          { reason: 'L6', reference: 'INTEREST', amountCents: -250 },
        ],
      },
    ],
  };
}

const ours: Record<string, BilledClaim> = {
  PCN0001: {
    claimId: 1,
    patientControlNumber: 'PCN0001',
    chargeCents: 25000,
    lines: [
      {
        lineNumber: 1,
        code: '99213',
        modifiers: ['25'],
        units: 1,
        chargeCents: 15000,
        dateOfService: '2026-11-15',
      },
      {
        lineNumber: 2,
        code: '36415',
        modifiers: [],
        units: 1,
        chargeCents: 10000,
        dateOfService: '2026-11-15',
      },
    ],
  },
  PCN0002: {
    claimId: 2,
    patientControlNumber: 'PCN0002',
    chargeCents: 18000,
    lines: [
      {
        lineNumber: 1,
        code: '99214',
        modifiers: [],
        units: 1,
        chargeCents: 18000,
        dateOfService: '2026-11-16',
      },
    ],
  },
};

describe('reconcile835', () => {
  it('finds nothing wrong, on a balanced 835 with PLB', () => {
    expect(reconcile835(sample())).toEqual([]);
  });

  it('catches a doctored line payment, at line, claim and payment level', () => {
    const doc = sample();
    doc.claims[0]!.services[1]!.paidCents = 6100;
    const codes = reconcile835(doc).map((p) => p.code);
    expect(codes).toContain('LINE_UNBALANCED');
    expect(reconcile835(doc).every((p) => p.severity === 'error')).toBe(true);
  });

  it('catches a doctored BPR02, off by one cent', () => {
    const doc = sample();
    doc.payment.amountCents = 15251;
    const problems = reconcile835(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'PAYMENT_TOTAL_MISMATCH',
      expectedCents: 15250,
      actualCents: 15251,
    });
  });

  it('catches a doctored claim paid amount, when the lines still balance', () => {
    const doc = sample();
    doc.claims[0]!.paidCents = 15000;
    const codes = reconcile835(doc).map((p) => p.code);
    expect(codes).toEqual(['CLAIM_UNBALANCED', 'PAYMENT_TOTAL_MISMATCH']);
  });
});

describe('matchLines', () => {
  it('matches a line whose modifier the payer dropped, by the billed procedure', () => {
    const doc = sample();
    const svc = doc.claims[0]!.services.map((s) => {
      const { submitted: _, ...rest } = s;
      return rest;
    });
    const m = matchLines(ours.PCN0001!.lines, svc);
    expect(m.map((x) => [x.lineNumber, x.how])).toEqual([
      [1, 'modifiers_differ'],
      [2, 'exact'],
    ]);
  });

  it('uses each billed line once, when the same code was billed twice', () => {
    const lines = [
      {
        lineNumber: 1,
        code: '97110',
        modifiers: ['GP'],
        units: 2,
        chargeCents: 8000,
        dateOfService: '2026-11-15',
      },
      {
        lineNumber: 2,
        code: '97110',
        modifiers: ['GP', '59'],
        units: 1,
        chargeCents: 4000,
        dateOfService: '2026-11-15',
      },
    ];
    const svc = [
      { code: '97110', modifiers: ['GP'], chargeCents: 4000, paidCents: 0, adjustments: [], remarks: [] },
      { code: '97110', modifiers: ['GP'], chargeCents: 8000, paidCents: 0, adjustments: [], remarks: [] },
    ];
    const m = matchLines(lines, svc);
    expect(m.map((x) => x.lineNumber)).toEqual([2, 1]);
  });
});

describe('proposePostings', () => {
  it('proposes paid and denied claims, patient share and denial work items', () => {
    const plan = proposePostings(sample(), (pcn) => ours[pcn]);
    expect(plan.postable).toBe(true);
    const [a, b] = plan.proposals;
    expect(a).toMatchObject({
      claimId: 1,
      outcome: 'paid',
      claimStatus: 'paid',
      paidCents: 16000,
      patientResponsibilityCents: 4000,
      contractualCents: 5000,
      deniedCents: 0,
    });
    expect(a!.lines.map((l) => l.lineNumber)).toEqual([1, 2]);
    expect(b).toMatchObject({ claimId: 2, outcome: 'denied', claimStatus: 'denied', deniedCents: 18000 });
    expect(b!.denials).toHaveLength(1);
    expect(b!.denials[0]).toMatchObject({
      carc: '16',
      category: 'missing_information',
      lineNumber: 1,
      procedureCode: '99214',
      correctedClaimFits: true,
      payerClaimNumber: 'PAYERICN0002',
    });
    expect(b!.denials[0]!.rarcs[0]!.code).toBe('M51');
    expect(plan.providerAdjustments).toHaveLength(2);
  });

  it('marks a claim partially paid, when one line is denied as bundled', () => {
    const doc = sample();
    const line = doc.claims[0]!.services[1]!;
    line.paidCents = 0;
    line.adjustments = [{ group: 'CO', reason: '97', amountCents: 10000 }];
    doc.claims[0]!.paidCents = 10000;
    doc.claims[0]!.patientResponsibilityCents = 3000;
    doc.payment.amountCents = 9250;
    const plan = proposePostings(doc, (pcn) => ours[pcn]);
    expect(plan.postable).toBe(true);
    const a = plan.proposals[0]!;
    expect(a.outcome).toBe('partially_paid');
    expect(a.denials.map((d) => [d.carc, d.category, d.lineNumber])).toEqual([['97', 'bundled', 2]]);
  });

  it('proposes a reversal without denial items, when CLP02 is 22', () => {
    const doc = sample();
    const c = doc.claims[0]!;
    const neg = (n: number) => -n;
    c.status = '22';
    c.chargeCents = neg(c.chargeCents);
    c.paidCents = neg(c.paidCents);
    c.patientResponsibilityCents = neg(c.patientResponsibilityCents!);
    for (const s of c.services) {
      s.chargeCents = neg(s.chargeCents);
      s.paidCents = neg(s.paidCents);
      for (const a of s.adjustments) a.amountCents = neg(a.amountCents);
    }
    doc.claims = [c];
    doc.providerAdjustments = [];
    doc.payment.amountCents = -16000;
    const plan = proposePostings(doc, (pcn) => ours[pcn]);
    expect(plan.problems).toEqual([]);
    expect(plan.proposals[0]).toMatchObject({
      outcome: 'reversal',
      claimStatus: undefined,
      paidCents: -16000,
    });
    expect(plan.proposals[0]!.denials).toEqual([]);
  });

  it('holds the file, when it does not reconcile', () => {
    const doc = sample();
    doc.claims[1]!.services[0]!.adjustments[0]!.amountCents = 17000;
    const plan = proposePostings(doc, (pcn) => ours[pcn]);
    expect(plan.postable).toBe(false);
    expect(plan.proposals[1]!.problems.length).toBeGreaterThan(0);
  });

  it('leaves claimId undefined, when CLP01 is not a claim of ours', () => {
    const plan = proposePostings(sample(), () => undefined);
    expect(plan.proposals.map((p) => p.claimId)).toEqual([undefined, undefined]);
    expect(plan.proposals[0]!.lines[0]!.match).toBe('unmatched');
  });
});

describe('statusFrom999 / statusFrom277CA', () => {
  it('rejects the claims of a rejected transaction set, with readable IK3/IK4 errors', () => {
    const s = statusFrom999({
      groupControlNumber: '7',
      status: 'P',
      transactions: [
        { controlNumber: '0001', status: 'A', codes: [], segmentErrors: [] },
        {
          controlNumber: '0002',
          status: 'R',
          codes: ['5'],
          segmentErrors: [
            {
              segmentId: 'NM1',
              position: 12,
              loopId: '2010BA',
              code: '8',
              elements: [{ position: 9, code: '1' }],
            },
          ],
        },
      ],
    });
    expect(s.groupAccepted).toBe(true);
    expect(s.transactions.map((t) => t.claimStatus)).toEqual([undefined, 'rejected']);
    expect(s.transactions[1]!.errors[0]).toMatch(/NM109 at position 12: mandatory data element missing/);
  });

  it('accepts A1/A2 claims and rejects A7 claims, per 2200D STC', () => {
    const s = statusFrom277CA({
      batchStatuses: [{ category: 'A1', status: '19' }],
      claims: [
        { patientControlNumber: 'P1', payerClaimNumber: 'X1', statuses: [{ category: 'A2', status: '20' }] },
        { patientControlNumber: 'P2', statuses: [{ category: 'A7', status: '21', entity: 'IL' }] },
        { patientControlNumber: 'P3', statuses: [] },
      ],
    });
    expect(s.map((c) => c.claimStatus)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(s[1]!.codes).toEqual(['A7:21:IL']);
  });
});

describe('group, file, provider, line and interchange statuses', () => {
  it('marks the group rejected with the AK905 text, when AK9 is R and no AK2 loop is sent', () => {
    const s = statusFrom999({ groupControlNumber: '71', status: 'R', groupErrors: ['4'], transactions: [] });
    expect(s).toMatchObject({
      groupAccepted: false,
      groupRejected: true,
      groupErrors: ['AK905 4: group control numbers in the GS and GE do not agree'],
      transactions: [],
    });
  });

  it('rejects a whole file (2200B) and a provider (2200C), naming the claims the 277CA speaks for itself', () => {
    const w = widerRejectionsFrom277CA({
      batchReference: '3010001',
      batchStatuses: [{ category: 'A3', status: '24', entity: '41' }],
      providers: [
        { provider: { qualifier: 'XX', id: '1234567893' }, statuses: [{ category: 'A1', status: '19' }] },
        {
          provider: { qualifier: 'FI', id: '000000002' },
          statuses: [{ category: 'A3', status: '85', entity: '85' }],
        },
      ],
      claims: [{ patientControlNumber: 'P1', statuses: [{ category: 'A2', status: '20' }] }],
    });
    expect(w).toEqual([
      {
        scope: 'file',
        batchReference: '3010001',
        claimsWithStatus: ['P1'],
        codes: ['A3:24:41'],
        message: 'A3:24 returned as unprocessable',
      },
      {
        scope: 'provider',
        batchReference: '3010001',
        provider: { qualifier: 'FI', id: '000000002' },
        claimsWithStatus: ['P1'],
        codes: ['A3:85:85'],
        message: 'A3:85 returned as unprocessable',
      },
    ]);
    expect(
      widerRejectionsFrom277CA({ batchStatuses: [{ category: 'A1', status: '19' }], claims: [] }),
    ).toEqual([]);
  });

  it('puts 2220D service line statuses into the claim message and codes', () => {
    const [c] = statusFrom277CA({
      batchStatuses: [],
      claims: [
        {
          patientControlNumber: 'P1',
          statuses: [{ category: 'A7', status: '21', entity: '82' }],
          lines: [
            {
              procedure: { qualifier: 'HC', code: '99213', modifiers: ['25'] },
              lineControl: 'LC-1',
              statuses: [
                { category: 'A7', status: '454', more: [{ category: 'A7', status: '153', entity: '82' }] },
              ],
            },
          ],
        },
      ],
    });
    expect(c!.claimStatus).toBe('rejected');
    expect(c!.codes).toEqual(['A7:21:82', 'line1:A7:454', 'line1:A7:153:82']);
    expect(c!.message).toBe(
      'A7:21 rejected for invalid information; line 1 HC:99213:25 (line control LC-1): A7:454 rejected for invalid information, also A7:153:82',
    );
  });

  it('reads a TA1 as rejected, accepted with errors or accepted, with the note text', () => {
    const ta1 = (status: string) =>
      statusFromTA1({
        controlNumber: '000000301',
        status,
        noteCode: '024',
        noteText: 'Invalid interchange content',
      });
    expect(ta1('R')).toEqual({
      isaControl: 301,
      status: 'rejected',
      noteCode: '024',
      message: 'TA1 R for interchange 000000301, note 024: Invalid interchange content',
    });
    expect([ta1('E').status, ta1('A').status]).toEqual(['accepted_with_errors', 'accepted']);
  });
});

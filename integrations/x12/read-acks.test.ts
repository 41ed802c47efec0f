import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { billedProcedure, read277CA, read835, read999, readTA1 } from './read-acks.js';
import type { Ack277CA, Ack999, Remit835 } from './types.js';
import { validateX12 } from './validate.js';
import { write277CA, write835, write999 } from './write-acks.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/x12/${name}`, import.meta.url), 'utf8');
const env = {
  senderId: 'SANDBOXCH',
  receiverId: 'CLAIMBOXTEST',
  isaControl: 900,
  gsControl: 900,
  stStart: 1,
  testMode: true,
  now: new Date(Date.UTC(2026, 10, 3, 8, 0)),
};

describe('read835', () => {
  it('realistic 835 reads payment, claims, reversal, service CAS, remarks and PLB to the cent', () => {
    const r = read835(fixture('835-realistic.x12'));
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toHaveLength(1);
    const v = r.value![0]!;
    expect(v.control).toEqual({ interchange: '000000501', group: '501', set: '0001', segment: 3 });
    expect(v.payment).toEqual({
      handling: 'I',
      amountCents: 6325,
      creditDebit: 'C',
      method: 'ACH',
      date: '2026-11-12',
    });
    expect(v.trace).toEqual({ number: 'EFT0001234', originatorId: '1999999999' });
    expect(v.payer).toMatchObject({ name: 'SAMPLE HEALTH PLAN', id: '60054' });
    expect(v.payee).toMatchObject({ npi: '1234567893', taxId: '990000001' });
    expect(v.claims.map((c) => c.status)).toEqual(['1', '4', '22']);
    const [paid, denied, reversal] = v.claims;
    expect(paid!.services[0]!.adjustments).toEqual([
      { group: 'CO', reason: '45', amountCents: 1000 },
      { group: 'PR', reason: '1', amountCents: 2000 },
      { group: 'PR', reason: '2', amountCents: 1000 },
    ]);
    expect(paid!.services[0]!.remarks).toEqual(['N130']);
    expect(paid!.services[0]!.amounts).toEqual([{ qualifier: 'B6', cents: 14000 }]);
    expect(denied!.remarks).toEqual(['MA130']);
    expect(denied!.services[0]!.adjustments[0]).toMatchObject({ group: 'CO', reason: '16' });
    expect(reversal!).toMatchObject({
      chargeCents: -12000,
      paidCents: -10000,
      patientResponsibilityCents: -2000,
    });
    expect(v.providerAdjustments).toEqual([
      {
        providerId: '1234567893',
        fiscalPeriodDate: '2026-12-31',
        items: [
          { reason: 'WO', reference: 'PAYER0099', amountCents: 1750 },
          { reason: 'L6', amountCents: -75 },
        ],
      },
    ]);
    // Reconciles: BPR = sum(CLP04) - sum(PLB); each claim charge = paid + adjustments.
    const plb = v.providerAdjustments.flatMap((p) => p.items).reduce((a, i) => a + i.amountCents, 0);
    expect(v.claims.reduce((a, c) => a + c.paidCents, 0) - plb).toBe(v.payment.amountCents);
    for (const c of v.claims) {
      const adj = [...c.adjustments, ...c.services.flatMap((s) => s.adjustments)].reduce(
        (a, x) => a + x.amountCents,
        0,
      );
      expect(c.paidCents + adj).toBe(c.chargeCents);
    }
  });

  it('billedProcedure matches the billed line when the payer dropped a modifier', () => {
    const svc = read835(fixture('835-realistic.x12')).value![0]!.claims[0]!.services[0]!;
    expect(svc.modifiers).toEqual([]);
    expect(billedProcedure(svc)).toEqual({ qualifier: 'HC', code: '99213', modifiers: ['25'] });
  });

  it('write835 then read835 gives back the remittance, including six-triplet CAS and PLB', () => {
    const remit: Remit835 = {
      payment: { handling: 'C', amountCents: 9000, creditDebit: 'C', method: 'CHK', date: '2026-11-12' },
      trace: { number: 'CHK555', originatorId: '1999999999' },
      productionDate: '2026-11-10',
      payer: {
        name: 'Demo Mutual',
        id: '87726',
        address: { line1: '1 Way', city: 'Springfield', state: 'IL', zip: '62701' },
        technicalContact: { name: 'EDI', phone: '5555550199' },
      },
      payee: { name: 'Example Family Practice', npi: '1234567893', taxId: '990000001' },
      claims: [
        {
          patientControlNumber: 'PCN1',
          status: '2',
          chargeCents: 10000,
          paidCents: 10000,
          patientResponsibilityCents: 0,
          filingIndicator: 'CI',
          payerClaimNumber: 'P1',
          facilityType: '11',
          frequency: '1',
          adjustments: [
            { group: 'OA', reason: '23', amountCents: 1 },
            { group: 'OA', reason: '94', amountCents: 2 },
            { group: 'OA', reason: '45', amountCents: 3 },
            { group: 'OA', reason: '59', amountCents: 4 },
            { group: 'OA', reason: '97', amountCents: 5 },
            { group: 'OA', reason: '253', amountCents: 6 },
            { group: 'OA', reason: '18', amountCents: -21, quantity: 1 },
          ],
          patient: { lastName: 'Testperson', firstName: 'Alpha', memberId: 'XM1' },
          refs: [{ qualifier: 'EA', value: 'MRN0001' }],
          dates: [{ qualifier: '050', date: '2026-11-01' }],
          amounts: [{ qualifier: 'AU', cents: 10000 }],
          remarks: [],
          services: [],
          header: 1,
        },
      ],
      providerAdjustments: [
        {
          providerId: '1234567893',
          fiscalPeriodDate: '2026-12-31',
          items: [{ reason: 'FB', reference: 'X1', amountCents: 1000 }],
        },
      ],
    };
    const text = write835(remit, env);
    expect(validateX12(text).errors).toEqual([]);
    const back = read835(text);
    expect(back.diagnostics).toEqual([]);
    const { control, ...value } = back.value![0]!;
    expect(control.set).toBe('0001');
    delete value.claims[0]!.segment;
    expect(value).toEqual(remit);
  });
});

describe('read277CA', () => {
  it('mixed 277CA reads an accepted and a rejected claim with CLM01 echo and payer claim number', () => {
    const r = read277CA(fixture('277ca-mixed.x12'));
    expect(r.diagnostics).toEqual([]);
    const v = r.value![0]!;
    expect(v.batchStatuses[0]).toMatchObject({
      category: 'A1',
      status: '19',
      entity: 'PR',
      action: 'WQ',
      amountCents: 45000,
    });
    expect(v).toMatchObject({
      acceptedQuantity: 1,
      rejectedQuantity: 1,
      acceptedAmountCents: 25000,
      rejectedAmountCents: 20000,
    });
    const [ok, bad] = v.claims;
    expect(ok).toMatchObject({
      patientControlNumber: 'PCN0010000001',
      accepted: true,
      payerClaimNumber: 'PAYER0001',
      clearinghouseTrace: 'CHTRACE0001',
      serviceDate: '2026-10-20',
      billingProviderNpi: '1234567893',
    });
    expect(bad).toMatchObject({
      patientControlNumber: 'PCN0010000002',
      accepted: false,
      serviceDate: '2026-10-20',
      serviceDateEnd: '2026-10-21',
    });
    expect(bad!.statuses[0]).toMatchObject({
      category: 'A7',
      status: '562',
      entity: '85',
      action: 'U',
      more: [{ category: 'A7', status: '128', entity: 'IL' }],
      message: 'Billing provider NPI invalid',
    });
  });

  it('write277CA then read277CA gives back the acknowledgment', () => {
    const ack: Ack277CA = {
      reference: 'R1',
      createdDate: '2026-11-03',
      source: { name: 'Sandbox Clearinghouse', id: 'SANDBOXCH' },
      receiver: { name: 'Example Family Practice', id: 'CLAIMBOXTEST' },
      receivedDate: '2026-11-03',
      processDate: '2026-11-03',
      batchStatuses: [
        { category: 'A1', status: '19', entity: 'PR', date: '2026-11-03', action: 'WQ', amountCents: 12345 },
      ],
      acceptedQuantity: 1,
      rejectedQuantity: 0,
      acceptedAmountCents: 12345,
      rejectedAmountCents: 0,
      claims: [
        {
          patientControlNumber: 'PCN9',
          payerClaimNumber: 'PC9',
          statuses: [
            {
              category: 'A2',
              status: '20',
              entity: 'PR',
              date: '2026-11-03',
              action: 'WQ',
              amountCents: 12345,
            },
          ],
          accepted: true,
          patient: { lastName: 'Testperson', firstName: 'Alpha', memberId: 'XM9' },
          serviceDate: '2026-10-01',
          billingProviderNpi: '1234567893',
          billingProviderName: 'Example Family Practice',
          totalChargeCents: 12345,
        },
      ],
    };
    const text = write277CA(ack, env);
    expect(validateX12(text).errors).toEqual([]);
    const back = read277CA(text);
    expect(back.diagnostics).toEqual([]);
    const { control, providers, batchReference, ...value } = back.value![0]!;
    expect(control.set).toBe('0001');
    expect(batchReference).toBe('R1');
    expect(providers).toMatchObject([{ provider: { qualifier: 'XX', id: '1234567893' }, statuses: [] }]);
    const { segment, lines, billingProvider, ...claim } = value.claims[0]!;
    expect([segment !== undefined, lines, billingProvider]).toEqual([
      true,
      [],
      { qualifier: 'XX', id: '1234567893' },
    ]);
    expect({ ...value, claims: [claim] }).toEqual(ack);
  });
});

describe('read999', () => {
  it('write999 then read999 gives back a rejection with IK3/CTX/IK4 and AK9 counts', () => {
    const ack: Ack999 = {
      functionalId: 'HC',
      groupControlNumber: '101',
      groupVersion: '005010X222A1',
      transactions: [
        {
          setId: '837',
          controlNumber: '0001',
          version: '005010X222A1',
          segmentErrors: [],
          status: 'A',
          codes: [],
        },
        {
          setId: '837',
          controlNumber: '0002',
          version: '005010X222A1',
          segmentErrors: [
            {
              segmentId: 'NM1',
              position: 9,
              loopId: '2010AA',
              code: '8',
              claimRef: 'PCN1',
              elements: [{ position: 9, elementRef: '67', code: '7', badValue: '1234567890' }],
            },
            {
              segmentId: 'CLM',
              position: 22,
              loopId: '2300',
              code: '8',
              elements: [{ position: 5, component: 3, code: '7', badValue: '9' }],
            },
          ],
          status: 'R',
          codes: ['5'],
        },
      ],
      status: 'P',
      included: 2,
      received: 2,
      accepted: 1,
      groupErrors: [],
    };
    const text = write999(ack, env);
    expect(text).toContain('IK4*5:3**7*9~');
    expect(validateX12(text).errors).toEqual([]);
    const back = read999(text);
    expect(back.diagnostics).toEqual([]);
    expect(back.value).toEqual([
      { ...ack, control: { interchange: '000000900', group: '900', set: '0001', segment: 3 } },
    ]);
  });

  it('reader refuses a file that is not a 999, as a diagnostic', () => {
    const r = read999(fixture('277ca-mixed.x12'));
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'X12_WRONG_SET', segment: 'ST' });
  });
});

describe('read999, several transaction sets', () => {
  it('reads each 999 set on its own with its own AK1, when one group holds two sets', () => {
    const r = read999(fixture('999-two-groups.x12'));
    expect(r.diagnostics).toEqual([]);
    expect(r.value!.map((a) => [a.groupControlNumber, a.status, a.control.set])).toEqual([
      ['71', 'R', '0001'],
      ['72', 'A', '0002'],
    ]);
    const [g71, g72] = r.value!;
    expect(g71!.transactions[0]!.segmentErrors[0]).toMatchObject({ segmentId: 'NM1', claimRef: 'PCN-A1' });
    expect(g72!.transactions).toEqual([
      {
        setId: '837',
        controlNumber: '0001',
        version: '005010X222A1',
        segmentErrors: [],
        status: 'A',
        codes: [],
      },
    ]);
  });

  it('reads each interchange of a file on its own, with its ISA13, when interchanges are concatenated', () => {
    const r = read999(fixture('999-two-interchanges.x12'));
    expect(r.diagnostics).toEqual([]);
    expect(
      r.value!.map((a) => [a.control.interchange, a.control.group, a.groupControlNumber, a.status]),
    ).toEqual([
      ['000000501', '501', '72', 'R'],
      ['000000502', '502', '71', 'A'],
    ]);
  });

  it('reads a group rejection without AK2 loops, with its AK905 code', () => {
    const [a] = read999(fixture('999-group-rejected-no-ak2.x12')).value!;
    expect(a).toMatchObject({ groupControlNumber: '71', status: 'R', transactions: [], groupErrors: ['4'] });
  });

  it('reports a set of another kind in the file as an error instead of dropping it silently', () => {
    const mixed = fixture('999-two-groups.x12').replace('ST*999*0002', 'ST*277*0002');
    const r = read999(mixed);
    expect(r.value).toHaveLength(1);
    expect(r.diagnostics).toMatchObject([{ code: 'X12_OTHER_SET', severity: 'error' }]);
  });
});

describe('read835, several payments', () => {
  it('reads each 835 set as its own payment, with its own BPR, TRN, payer and claims', () => {
    const r = read835(fixture('835-two-payments.x12'));
    expect(r.diagnostics).toEqual([]);
    expect(
      r.value!.map((p) => [
        p.control.set,
        p.payment.amountCents,
        p.payment.method,
        p.trace.number,
        p.payer.name,
        p.claims.map((c) => c.patientControlNumber),
      ]),
    ).toEqual([
      ['0001', 8000, 'CHK', 'CHECK-AAA-111', 'ALPHA TEST HEALTH PLAN', ['PCN-A1']],
      ['0002', 4500, 'ACH', 'EFT-BBB-222', 'BETA TEST INSURANCE', ['PCN-B1']],
    ]);
    expect(r.value![0]!.control).toEqual({ interchange: '000000101', group: '101', set: '0001', segment: 3 });
  });

  it('keeps the NM1*82 qualifier and sets renderingNpi only for XX', () => {
    const [a, b] = read835(fixture('835-two-payments.x12')).value!;
    expect(a!.claims[0]!.rendering).toEqual({ qualifier: 'BS', id: 'LOCAL-77' });
    expect(a!.claims[0]!.renderingNpi).toBeUndefined();
    expect(b!.claims[0]!.rendering).toEqual({ qualifier: 'XX', id: '1234567893' });
    expect(b!.claims[0]!.renderingNpi).toBe('1234567893');
  });

  it('warns about an SVC01 that does not split into a procedure code, and an N4 without N3', () => {
    const text = fixture('835-two-payments.x12')
      .replace('NM1*82*1*TESTDOC*ONE****BS*LOCAL-77~', 'SVC*HC>99213*100*80~')
      .replace('N3*2 EXAMPLE ROAD~\n', '');
    const r = read835(text);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['X12_835_SVC_CODE', 'warning'],
      ['X12_835_NO_N3', 'warning'],
    ]);
  });
});

describe('read277CA, statuses above and below claim level', () => {
  it('keeps a provider-level (2200C) rejection with its qualified id, and the 2200B batch reference', () => {
    const r = read277CA(fixture('277ca-provider-rejected.x12'));
    expect(r.diagnostics).toEqual([]);
    const v = r.value![0]!;
    expect(v.batchReference).toBe('3010001');
    expect(v.providers).toMatchObject([
      { provider: { qualifier: 'XX', id: '1234567893' }, trace: 'PROV-TRACE-A', statuses: [] },
      {
        name: 'SECOND TEST PRACTICE',
        provider: { qualifier: 'FI', id: '000000002' },
        trace: 'PROV-TRACE-B',
        statuses: [{ category: 'A3', status: '85', entity: '85', action: 'U', amountCents: 8000 }],
      },
    ]);
    expect(v.claims.map((c) => c.patientControlNumber)).toEqual(['PCN-A1']);
  });

  it('sets billingProviderNpi only when NM108 is XX, keeping the qualifier either way', () => {
    const text = fixture('277ca-provider-rejected.x12').replace(
      'NM1*85*2*SAMPLE FAMILY CLINIC*****XX*1234567893',
      'NM1*85*2*SAMPLE FAMILY CLINIC*****FI*000000001',
    );
    const c = read277CA(text).value![0]!.claims[0]!;
    expect(c.billingProvider).toEqual({ qualifier: 'FI', id: '000000001' });
    expect(c.billingProviderNpi).toBeUndefined();
    const xx = read277CA(fixture('277ca-provider-rejected.x12')).value![0]!.claims[0]!;
    expect(xx.billingProviderNpi).toBe('1234567893');
  });

  it('keeps a file-level (2200B) rejection when there are no provider or patient levels', () => {
    const v = read277CA(fixture('277ca-file-rejected.x12')).value![0]!;
    expect(v).toMatchObject({ batchReference: '3010001', providers: [], claims: [] });
    expect(v.batchStatuses).toMatchObject([{ category: 'A3', status: '24', entity: '41', action: 'U' }]);
  });

  it('keeps 2220D service lines with procedure, REF*FJ line control, date and statuses', () => {
    const r = read277CA(fixture('277ca-service-line.x12'));
    expect(r.diagnostics).toEqual([]);
    const c = r.value![0]!.claims[0]!;
    expect(c.statuses.map((s) => `${s.category}:${s.status}`)).toEqual(['A7:21']);
    expect(c.serviceDate).toBe('2026-01-02');
    expect(c.lines).toMatchObject([
      {
        procedure: { qualifier: 'HC', code: '99213', modifiers: ['25'] },
        chargeCents: 10000,
        units: 1,
        lineControl: 'LINE-CTL-1',
        serviceDate: '2026-01-02',
        statuses: [{ category: 'A7', status: '454', action: 'U' }],
      },
    ]);
  });

  it('warns about a DTP*472 without its format qualifier and an RD8 holding one date', () => {
    const text = fixture('277ca-service-line.x12')
      .replace(
        'STC*A7:21:82*20260106*U*100~\nDTP*472*D8*20260102',
        'STC*A7:21:82*20260106*U*100~\nDTP*472*20260102',
      )
      .replace('REF*FJ*LINE-CTL-1~\nDTP*472*D8*20260102', 'REF*FJ*LINE-CTL-1~\nDTP*472*RD8*20260102');
    const r = read277CA(text);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['X12_277_DTP', 'warning'],
      ['X12_277_DTP', 'warning'],
    ]);
    const c = r.value![0]!.claims[0]!;
    expect([c.serviceDate, c.lines[0]!.serviceDate, c.lines[0]!.serviceDateEnd]).toEqual([
      '2026-01-02',
      '2026-01-02',
      undefined,
    ]);
  });
});

describe('readTA1', () => {
  it('reads an interchange rejection with its note code text', () => {
    const r = readTA1(fixture('ta1-rejected.x12'));
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual([
      {
        controlNumber: '000000301',
        date: '260105',
        time: '0900',
        status: 'R',
        noteCode: '024',
        noteText: 'Invalid interchange content (e.g., invalid GS segment)',
        interchange: '000000401',
        segment: 2,
      },
    ]);
  });

  it('refuses a TA104 that is not A, E or R, and a file without TA1, as diagnostics', () => {
    const bad = readTA1(fixture('ta1-rejected.x12').replace('*R*024', '*Q*024'));
    expect(bad.value).toBeUndefined();
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['X12_TA1_STATUS', 'X12_NO_TA1']);
    expect(readTA1(fixture('999-two-groups.x12')).value).toBeUndefined();
  });
});

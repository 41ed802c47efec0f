// Loop specifications per implementation guide, as tables: 837P (005010X222A1), 837D (005010X224A2),
// 999 (005010X231A1), 277CA (005010X214), 835 (005010X221A1). A loop's first child is its trigger.
// Consecutive children with the same segment id share one position (the guides list, e.g., each REF
// qualifier as its own "segment" at one base-standard position, so their relative order is free).
// Usage: R required, S situational. `q` pins a qualifier (element, codes) that selects the node.

export type Usage = 'R' | 'S';

export interface SegRule {
  /** Element positions the guide requires. */
  req?: number[];
  /** Element positions the guide marks "not used". */
  na?: number[];
  /** Allowed code values by element position (for composites: 'n-k' keys, e.g. '5-2'). */
  codes?: Record<string, readonly string[]>;
}

export interface SegNode extends SegRule {
  t: 's';
  id: string;
  usage: Usage;
  max: number;
  name: string;
  q?: { el: number; codes: readonly string[] };
  pos: number;
  loop: string;
}

export interface LoopNode {
  t: 'l';
  id: string;
  usage: Usage;
  max: number;
  name: string;
  kids: Node[];
  pos: number;
  /** The validator's cache of the children each segment id could start (its own type, built on first use). */
  byId?: unknown;
}

export type Node = SegNode | LoopNode;

const MANY = 1e9;

type SegOpts = SegRule & { q?: [number, ...string[]] };

function seg(id: string, usage: Usage, max: number, name: string, opts: SegOpts = {}): SegNode {
  // Every node gets every field, in one order: the validator reads them per segment, and nodes of one
  // hidden class keep those reads monomorphic (a spread of the optional rules made dozens of shapes).
  return {
    t: 's',
    id,
    usage,
    max,
    name,
    q: opts.q ? { el: opts.q[0], codes: opts.q.slice(1) as string[] } : undefined,
    pos: 0,
    loop: '',
    req: opts.req,
    na: opts.na,
    codes: opts.codes,
  };
}

function loop(id: string, usage: Usage, max: number, name: string, ...kids: Node[]): LoopNode {
  let pos = 0;
  let lastId = '';
  kids.forEach((k, i) => {
    const kid = k.t === 's' ? k.id : trigger(k).id;
    if (i > 0 && kid !== lastId) pos++;
    lastId = kid;
    k.pos = pos;
    if (k.t === 's') k.loop = id;
  });
  return { t: 'l', id, usage, max, name, kids, pos: 0, byId: undefined };
}

export function trigger(l: LoopNode): SegNode {
  return l.kids[0] as SegNode;
}

// ------------------------------------------------------------------ shared code lists

/** CMS place of service codes (2-digit). */
export const POS_CODES = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '21',
  '22',
  '23',
  '24',
  '25',
  '26',
  '27',
  '31',
  '32',
  '33',
  '34',
  '41',
  '42',
  '49',
  '50',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '65',
  '66',
  '71',
  '72',
  '81',
  '99',
] as const;

/** SBR09 / CLP06 claim filing indicator codes. */
export const FILING_CODES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  'AM',
  'BL',
  'CH',
  'CI',
  'DS',
  'FI',
  'HM',
  'LM',
  'MA',
  'MB',
  'MC',
  'OF',
  'TV',
  'VA',
  'WC',
  'ZZ',
] as const;

const nm1Person = (code: string, name: string, usage: Usage, idq: string[], more: SegOpts = {}) =>
  seg('NM1', usage, 1, name, {
    q: [1, code],
    req: [1, 2, 3],
    codes: idq.length ? { 2: ['1', '2'], 8: idq } : { 2: ['1', '2'] },
    ...more,
  });

const addr = (loop: string, usage: Usage = 'S') => [
  seg('N3', usage, 1, `${loop} address`, { req: [1] }),
  seg('N4', usage, 1, `${loop} city/state/zip`, { req: [1, 2, 3] }),
];

const ref = (usage: Usage, max: number, name: string, codes: string[]) =>
  seg('REF', usage, max, name, { q: [1, ...codes], req: [1, 2] });

const dtp = (usage: Usage, max: number, name: string, codes: string[], fmt = ['D8']) =>
  seg('DTP', usage, max, name, { q: [1, ...codes], req: [1, 2, 3], codes: { 2: fmt } });

// ------------------------------------------------------------------ 837 common parts

function envelope837(version: string): Node[] {
  return [
    seg('ST', 'R', 1, 'Transaction Set Header', { req: [1, 2, 3], codes: { 1: ['837'], 3: [version] } }),
    seg('BHT', 'R', 1, 'Beginning of Hierarchical Transaction', {
      req: [1, 2, 3, 4, 5, 6],
      codes: { 1: ['0019'], 2: ['00', '18'], 6: ['31', 'CH', 'RP'] },
    }),
    loop(
      '1000A',
      'R',
      1,
      'Submitter Name',
      seg('NM1', 'R', 1, 'Submitter Name', {
        q: [1, '41'],
        req: [1, 2, 3, 8, 9],
        codes: { 2: ['1', '2'], 8: ['46'] },
      }),
      seg('PER', 'R', 2, 'Submitter EDI Contact Information', {
        req: [1, 2, 3, 4],
        codes: { 1: ['IC'], 3: ['EM', 'FX', 'TE'], 5: ['EM', 'EX', 'FX', 'TE'], 7: ['EM', 'EX', 'FX', 'TE'] },
      }),
    ),
    loop(
      '1000B',
      'R',
      1,
      'Receiver Name',
      seg('NM1', 'R', 1, 'Receiver Name', {
        q: [1, '40'],
        req: [1, 2, 3, 8, 9],
        codes: { 2: ['2'], 8: ['46'] },
      }),
    ),
  ];
}

function billing2000A(sub: LoopNode): LoopNode {
  return loop(
    '2000A',
    'R',
    MANY,
    'Billing Provider Hierarchical Level',
    seg('HL', 'R', 1, 'Billing Provider Hierarchical Level', {
      q: [3, '20'],
      req: [1, 3, 4],
      na: [2],
      codes: { 4: ['1'] },
    }),
    seg('PRV', 'S', 1, 'Billing Provider Specialty Information', {
      req: [1, 2, 3],
      codes: { 1: ['BI'], 2: ['PXC'] },
    }),
    seg('CUR', 'S', 1, 'Foreign Currency Information', { req: [1, 2], codes: { 1: ['85'] } }),
    loop(
      '2010AA',
      'R',
      1,
      'Billing Provider Name',
      nm1Person('85', 'Billing Provider Name', 'R', ['XX'], { req: [1, 2, 3, 8, 9] }),
      ...addr('Billing Provider', 'R'),
      ref('R', 1, 'Billing Provider Tax Identification', ['EI', 'SY']),
      ref('S', 2, 'Billing Provider UPIN/License Information', ['0B', '1G']),
      seg('PER', 'S', 2, 'Billing Provider Contact Information', {
        req: [1, 2, 3, 4],
        codes: { 1: ['IC'], 3: ['EM', 'FX', 'TE'], 5: ['EM', 'EX', 'FX', 'TE'], 7: ['EM', 'EX', 'FX', 'TE'] },
      }),
    ),
    loop(
      '2010AB',
      'S',
      1,
      'Pay-to Address Name',
      seg('NM1', 'R', 1, 'Pay-to Address Name', { q: [1, '87'], req: [1, 2], codes: { 2: ['1', '2'] } }),
      ...addr('Pay-to', 'R'),
    ),
    loop(
      '2010AC',
      'S',
      1,
      'Pay-to Plan Name',
      seg('NM1', 'R', 1, 'Pay-to Plan Name', {
        q: [1, 'PE'],
        req: [1, 2, 3, 8, 9],
        codes: { 8: ['PI', 'XV'] },
      }),
      ...addr('Pay-to Plan', 'R'),
      ref('S', 1, 'Pay-to Plan Secondary Identification', ['2U', 'FY', 'NF']),
      ref('R', 1, 'Pay-to Plan Tax Identification Number', ['EI']),
    ),
    sub,
  );
}

function subscriber2000B(claim: LoopNode, patient: LoopNode): LoopNode {
  return loop(
    '2000B',
    'R',
    MANY,
    'Subscriber Hierarchical Level',
    seg('HL', 'R', 1, 'Subscriber Hierarchical Level', {
      q: [3, '22'],
      req: [1, 2, 3, 4],
      codes: { 4: ['0', '1'] },
    }),
    seg('SBR', 'R', 1, 'Subscriber Information', {
      req: [1, 9],
      na: [7, 8],
      codes: { 1: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'P', 'S', 'T', 'U'], 2: ['18'], 9: FILING_CODES },
    }),
    seg('PAT', 'S', 1, 'Patient Information', { na: [1, 2, 3, 4] }),
    loop(
      '2010BA',
      'R',
      1,
      'Subscriber Name',
      nm1Person('IL', 'Subscriber Name', 'R', ['II', 'MI']),
      ...addr('Subscriber'),
      seg('DMG', 'S', 1, 'Subscriber Demographic Information', {
        req: [1, 2, 3],
        codes: { 1: ['D8'], 3: ['F', 'M', 'U'] },
      }),
      ref('S', 1, 'Subscriber Secondary Identification', ['SY']),
      ref('S', 1, 'Property and Casualty Claim Number', ['Y4']),
      seg('PER', 'S', 1, 'Property and Casualty Subscriber Contact Information', {
        req: [1, 3, 4],
        codes: { 1: ['IC'] },
      }),
    ),
    loop(
      '2010BB',
      'R',
      1,
      'Payer Name',
      nm1Person('PR', 'Payer Name', 'R', ['PI', 'XV'], {
        req: [1, 2, 3, 8, 9],
        codes: { 2: ['2'], 8: ['PI', 'XV'] },
      }),
      ...addr('Payer'),
      ref('S', 3, 'Payer Secondary Identification', ['2U', 'EI', 'FY', 'NF']),
      ref('S', 2, 'Billing Provider Secondary Identification', ['G2', 'LU']),
    ),
    claim,
    patient,
  );
}

function patient2000C(claim: LoopNode): LoopNode {
  return loop(
    '2000C',
    'S',
    MANY,
    'Patient Hierarchical Level',
    seg('HL', 'R', 1, 'Patient Hierarchical Level', { q: [3, '23'], req: [1, 2, 3, 4], codes: { 4: ['0'] } }),
    seg('PAT', 'R', 1, 'Patient Information', {
      req: [1],
      codes: { 1: ['01', '19', '20', '21', '39', '40', '53', 'G8'] },
    }),
    loop(
      '2010CA',
      'R',
      1,
      'Patient Name',
      nm1Person('QC', 'Patient Name', 'R', [], { na: [8, 9] }),
      ...addr('Patient', 'R'),
      seg('DMG', 'R', 1, 'Patient Demographic Information', {
        req: [1, 2, 3],
        codes: { 1: ['D8'], 3: ['F', 'M', 'U'] },
      }),
      ref('S', 1, 'Property and Casualty Claim Number', ['Y4']),
      ref('S', 1, 'Property and Casualty Patient Identifier', ['1W', 'SY']),
      seg('PER', 'S', 1, 'Property and Casualty Patient Contact Information', {
        req: [1, 3, 4],
        codes: { 1: ['IC'] },
      }),
    ),
    claim,
  );
}

function otherSubscriber2320(dental: boolean): LoopNode {
  const nm = (id: string, code: string[], name: string) =>
    loop(
      id,
      'S',
      1,
      name,
      seg('NM1', 'R', 1, name, { q: [1, ...code], req: [1, 2] }),
      ref('S', 3, `${name} Secondary Identification`, [
        '0B',
        '1G',
        'G2',
        'LU',
        'F8',
        'G1',
        '9F',
        'T4',
        'EI',
        '2U',
        'FY',
        'NF',
        'SY',
      ]),
    );
  return loop(
    '2320',
    'S',
    10,
    'Other Subscriber Information',
    seg('SBR', 'R', 1, 'Other Subscriber Information', { req: [1, 2, 9] }),
    seg('CAS', 'S', 5, 'Claim Level Adjustments', { codes: { 1: ['CO', 'CR', 'OA', 'PI', 'PR'] } }),
    seg('AMT', 'S', 1, 'Coordination of Benefits (COB) Payer Paid Amount', { q: [1, 'D'] }),
    seg('AMT', 'S', 1, 'Remaining Patient Liability', { q: [1, 'EAF'] }),
    seg('AMT', 'S', 1, 'COB Total Non-Covered Amount', { q: [1, 'A8'] }),
    seg('OI', 'R', 1, 'Other Insurance Coverage Information', { req: [3, 6] }),
    seg('MOA', 'S', 1, 'Outpatient Adjudication Information'),
    loop(
      '2330A',
      'R',
      1,
      'Other Subscriber Name',
      seg('NM1', 'R', 1, 'Other Subscriber Name', { q: [1, 'IL'], req: [1, 2, 3, 8, 9] }),
      ...addr('Other Subscriber'),
      ref('S', 1, 'Other Subscriber Secondary Identification', ['SY']),
    ),
    loop(
      '2330B',
      'R',
      1,
      'Other Payer Name',
      seg('NM1', 'R', 1, 'Other Payer Name', { q: [1, 'PR'], req: [1, 2, 3, 8, 9] }),
      ...addr('Other Payer'),
      dtp('S', 1, 'Claim Check or Remittance Date', ['573']),
      ref('S', 6, 'Other Payer Identifiers', ['2U', 'EI', 'FY', 'NF', 'G1', '9F', 'T4', 'F8']),
    ),
    nm('2330C', ['DN', 'P3'], 'Other Payer Referring Provider'),
    nm('2330D', ['82'], 'Other Payer Rendering Provider'),
    ...(dental
      ? [
          nm('2330E', ['DD'], 'Other Payer Assistant Surgeon'),
          nm('2330F', ['DQ'], 'Other Payer Supervising Provider'),
          nm('2330G', ['85'], 'Other Payer Billing Provider'),
          nm('2330H', ['77'], 'Other Payer Service Facility Location'),
        ]
      : [
          nm('2330E', ['77'], 'Other Payer Service Facility Location'),
          nm('2330F', ['DQ'], 'Other Payer Supervising Provider'),
          nm('2330G', ['85'], 'Other Payer Billing Provider'),
        ]),
  );
}

function lineAdjudication2430(): LoopNode {
  return loop(
    '2430',
    'S',
    15,
    'Line Adjudication Information',
    seg('SVD', 'R', 1, 'Line Adjudication Information', { req: [1, 2, 3] }),
    seg('CAS', 'S', 5, 'Line Adjustment', { codes: { 1: ['CO', 'CR', 'OA', 'PI', 'PR'] } }),
    dtp('R', 1, 'Line Check or Remittance Date', ['573']),
    seg('AMT', 'S', 1, 'Remaining Patient Liability', { q: [1, 'EAF'] }),
  );
}

const provLoop = (
  id: string,
  codes: string[],
  name: string,
  usage: Usage,
  max: number,
  prv?: string[],
  withAddr = false,
) =>
  loop(
    id,
    usage,
    max,
    name,
    seg('NM1', 'R', 1, name, { q: [1, ...codes], req: [1, 2, 3], codes: { 2: ['1', '2'], 8: ['XX'] } }),
    ...(prv
      ? [
          seg('PRV', 'S', 1, `${name} Specialty Information`, {
            req: [1, 2, 3],
            codes: { 1: prv, 2: ['PXC'] },
          }),
        ]
      : []),
    ...(withAddr ? addr(name, 'R') : []),
    ref('S', withAddr ? 3 : 4, `${name} Secondary Identification`, ['0B', '1G', 'G2', 'LU']),
  );

// ------------------------------------------------------------------ 837P

export function spec837P(): LoopNode {
  const version = '005010X222A1';
  const line = loop(
    '2400',
    'R',
    50,
    'Service Line Number',
    seg('LX', 'R', 1, 'Service Line Number', { req: [1] }),
    seg('SV1', 'R', 1, 'Professional Service', {
      req: [1, 2, 3, 4, 7],
      na: [6, 8, 10, 13, 14, 16, 17, 18, 19, 20, 21],
      codes: {
        '1-1': ['ER', 'HC', 'IV', 'WK'],
        3: ['MJ', 'UN'],
        9: ['Y'],
        11: ['Y'],
        12: ['Y'],
        15: [
          '0',
          '1',
          '2',
          '3',
          '4',
          '5',
          '6',
          '7',
          '8',
          '9',
          'A',
          'B',
          'C',
          'D',
          'E',
          'F',
          'G',
          'H',
          'I',
          'J',
          'K',
          'L',
          'M',
          'N',
          'O',
          'P',
          'Q',
          'R',
          'S',
          'T',
          'U',
          'V',
          'W',
          'X',
          'Y',
          'Z',
        ],
      },
    }),
    seg('SV5', 'S', 1, 'Durable Medical Equipment Service'),
    seg('PWK', 'S', 10, 'Line Supplemental Information'),
    seg('PWK', 'S', 1, 'Durable Medical Equipment Certificate of Medical Necessity Indicator', {
      q: [1, 'CT'],
    }),
    seg('CR1', 'S', 1, 'Ambulance Transport Information'),
    seg('CR3', 'S', 1, 'Durable Medical Equipment Certification'),
    seg('CRC', 'S', 3, 'Condition Indicator'),
    dtp('R', 1, 'Date - Service Date', ['472'], ['D8', 'RD8']),
    dtp('S', 1, 'Date - Prescription Date', ['471']),
    dtp('S', 1, 'Date - Certification Revision/Recertification Date', ['607']),
    dtp('S', 1, 'Date - Begin Therapy Date', ['463']),
    dtp('S', 1, 'Date - Last Certification Date', ['461']),
    dtp('S', 1, 'Date - Last Seen Date', ['304']),
    dtp('S', 2, 'Date - Test Date', ['738', '739']),
    dtp('S', 1, 'Date - Shipped Date', ['011']),
    dtp('S', 1, 'Date - Last X-ray Date', ['455']),
    dtp('S', 1, 'Date - Initial Treatment Date', ['454']),
    seg('QTY', 'S', 2, 'Ambulance Patient Count / Obstetric Anesthesia Additional Units', {
      q: [1, 'PT', 'FL'],
    }),
    seg('MEA', 'S', 5, 'Test Result'),
    seg('CN1', 'S', 1, 'Contract Information'),
    ref('S', 20, 'Line Reference Information', [
      '9B',
      '9D',
      'G1',
      '9F',
      '6R',
      'EW',
      'X4',
      'F4',
      'BT',
      '9A',
      '9C',
      '0B',
      '1G',
      'LU',
      'G2',
      'EA',
    ]),
    seg('AMT', 'S', 2, 'Sales Tax / Postage Claimed Amount', { q: [1, 'T', 'F4'] }),
    seg('K3', 'S', 10, 'File Information'),
    seg('NTE', 'S', 2, 'Line Note / Third Party Organization Notes', { q: [1, 'ADD', 'DCP', 'TPO'] }),
    seg('PS1', 'S', 1, 'Purchased Service Information'),
    seg('HCP', 'S', 1, 'Line Pricing/Repricing Information'),
    loop(
      '2410',
      'S',
      1,
      'Drug Identification',
      seg('LIN', 'R', 1, 'Drug Identification', {
        req: [2, 3],
        codes: { 2: ['EN', 'EO', 'HI', 'N4', 'ON', 'UK', 'UP'] },
      }),
      seg('CTP', 'R', 1, 'Drug Quantity'),
      ref('S', 1, 'Prescription or Compound Drug Association Number', ['VY', 'XZ']),
    ),
    provLoop('2420A', ['82'], 'Rendering Provider Name', 'S', 1, ['PE']),
    loop(
      '2420B',
      'S',
      1,
      'Purchased Service Provider Name',
      seg('NM1', 'R', 1, 'Purchased Service Provider Name', { q: [1, 'QB'], req: [1, 2] }),
      ref('S', 20, 'Purchased Service Provider Secondary Identification', ['0B', '1G', 'G2']),
    ),
    loop(
      '2420C',
      'S',
      1,
      'Service Facility Location Name',
      seg('NM1', 'R', 1, 'Service Facility Location Name', { q: [1, '77'], req: [1, 2, 3] }),
      ...addr('Service Facility', 'R'),
      ref('S', 3, 'Service Facility Location Secondary Identification', ['G2', 'LU']),
    ),
    provLoop('2420D', ['DQ'], 'Supervising Provider Name', 'S', 1),
    loop(
      '2420E',
      'S',
      1,
      'Ordering Provider Name',
      seg('NM1', 'R', 1, 'Ordering Provider Name', { q: [1, 'DK'], req: [1, 2, 3] }),
      ...addr('Ordering Provider'),
      ref('S', 20, 'Ordering Provider Secondary Identification', ['0B', '1G', 'G2']),
      seg('PER', 'S', 1, 'Ordering Provider Contact Information'),
    ),
    provLoop('2420F', ['DN', 'P3'], 'Referring Provider Name', 'S', 2),
    loop(
      '2420G',
      'S',
      1,
      'Ambulance Pick-up Location',
      seg('NM1', 'R', 1, 'Ambulance Pick-up Location', { q: [1, 'PW'], req: [1, 2] }),
      ...addr('Ambulance Pick-up', 'R'),
    ),
    loop(
      '2420H',
      'S',
      1,
      'Ambulance Drop-off Location',
      seg('NM1', 'R', 1, 'Ambulance Drop-off Location', { q: [1, '45'], req: [1, 2] }),
      ...addr('Ambulance Drop-off', 'R'),
    ),
    lineAdjudication2430(),
    loop(
      '2440',
      'S',
      MANY,
      'Form Identification Code',
      seg('LQ', 'R', 1, 'Form Identification Code', { req: [1, 2], codes: { 1: ['AS', 'UT'] } }),
      seg('FRM', 'R', 99, 'Supporting Documentation'),
    ),
  );
  const claim = (usage: Usage) =>
    loop(
      '2300',
      usage,
      100,
      'Claim Information',
      seg('CLM', 'R', 1, 'Claim Information', {
        req: [1, 2, 5, 6, 7, 8, 9],
        na: [3, 4, 13, 14, 15, 17, 18, 19],
        codes: {
          '5-2': ['B'],
          '5-3': ['1', '6', '7', '8'],
          6: ['N', 'Y'],
          7: ['A', 'B', 'C'],
          8: ['N', 'W', 'Y'],
          9: ['I', 'Y'],
          10: ['P'],
          12: ['02', '03', '05', '09'],
          20: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '15'],
        },
      }),
      dtp('S', 1, 'Date - Onset of Current Illness or Symptom', ['431']),
      dtp('S', 1, 'Date - Initial Treatment Date', ['454']),
      dtp('S', 1, 'Date - Last Seen Date', ['304']),
      dtp('S', 1, 'Date - Acute Manifestation', ['453']),
      dtp('S', 1, 'Date - Accident', ['439']),
      dtp('S', 1, 'Date - Last Menstrual Period', ['484']),
      dtp('S', 1, 'Date - Last X-ray Date', ['455']),
      dtp('S', 1, 'Date - Hearing and Vision Prescription Date', ['471']),
      dtp('S', 1, 'Date - Disability Dates', ['314', '360', '361'], ['D8', 'RD8']),
      dtp('S', 1, 'Date - Last Worked', ['297']),
      dtp('S', 1, 'Date - Authorized Return to Work', ['296']),
      dtp('S', 1, 'Date - Admission', ['435']),
      dtp('S', 1, 'Date - Discharge', ['096']),
      dtp('S', 2, 'Date - Assumed and Relinquished Care Dates', ['090', '091']),
      dtp('S', 1, 'Date - Property and Casualty Date of First Contact', ['444']),
      dtp('S', 1, 'Date - Repricer Received Date', ['050']),
      seg('PWK', 'S', 10, 'Claim Supplemental Information'),
      seg('CN1', 'S', 1, 'Contract Information'),
      seg('AMT', 'S', 1, 'Patient Amount Paid', { q: [1, 'F5'] }),
      ref('S', 1, 'Service Authorization Exception Code', ['4N']),
      ref('S', 1, 'Mandatory Medicare (Section 4081) Crossover Indicator', ['F5']),
      ref('S', 1, 'Mammography Certification Number', ['EW']),
      ref('S', 1, 'Referral Number', ['9F']),
      ref('S', 1, 'Prior Authorization', ['G1']),
      ref('S', 1, 'Payer Claim Control Number', ['F8']),
      ref('S', 1, 'Clinical Laboratory Improvement Amendment (CLIA) Number', ['X4']),
      ref('S', 1, 'Repriced Claim Number', ['9A']),
      ref('S', 1, 'Adjusted Repriced Claim Number', ['9C']),
      ref('S', 1, 'Investigational Device Exemption Number', ['LX']),
      ref('S', 1, 'Claim Identifier For Transmission Intermediaries', ['D9']),
      ref('S', 1, 'Medical Record Number', ['EA']),
      ref('S', 1, 'Demonstration Project Identifier', ['P4']),
      ref('S', 1, 'Care Plan Oversight', ['1J']),
      seg('K3', 'S', 10, 'File Information'),
      seg('NTE', 'S', 1, 'Claim Note', { codes: { 1: ['ADD', 'CER', 'DCP', 'DGN', 'TPO'] } }),
      seg('CR1', 'S', 1, 'Ambulance Transport Information'),
      seg('CR2', 'S', 1, 'Spinal Manipulation Service Information'),
      seg('CRC', 'S', 8, 'Condition Information', { q: [1, '07', '75', 'E1', 'E2', 'E3', 'ZZ'] }),
      seg('HI', 'R', 1, 'Health Care Diagnosis Code', {
        q: [1, 'ABK', 'BK'],
        req: [1],
        codes: { '1-1': ['ABK', 'BK'] },
      }),
      seg('HI', 'S', 1, 'Anesthesia Related Procedure', { q: [1, 'BP'] }),
      seg('HI', 'S', 2, 'Condition Information', { q: [1, 'BG'] }),
      seg('HCP', 'S', 1, 'Claim Pricing/Repricing Information'),
      provLoop('2310A', ['DN', 'P3'], 'Referring Provider Name', 'S', 2),
      provLoop('2310B', ['82'], 'Rendering Provider Name', 'S', 1, ['PE']),
      loop(
        '2310C',
        'S',
        1,
        'Service Facility Location Name',
        seg('NM1', 'R', 1, 'Service Facility Location Name', {
          q: [1, '77'],
          req: [1, 2, 3],
          codes: { 2: ['2'], 8: ['XX'] },
        }),
        ...addr('Service Facility', 'R'),
        ref('S', 3, 'Service Facility Location Secondary Identification', ['G2', 'LU']),
        seg('PER', 'S', 1, 'Service Facility Contact Information', { codes: { 1: ['IC'] } }),
      ),
      provLoop('2310D', ['DQ'], 'Supervising Provider Name', 'S', 1),
      loop(
        '2310E',
        'S',
        1,
        'Ambulance Pick-up Location',
        seg('NM1', 'R', 1, 'Ambulance Pick-up Location', { q: [1, 'PW'], req: [1, 2] }),
        ...addr('Ambulance Pick-up', 'R'),
      ),
      loop(
        '2310F',
        'S',
        1,
        'Ambulance Drop-off Location',
        seg('NM1', 'R', 1, 'Ambulance Drop-off Location', { q: [1, '45'], req: [1, 2] }),
        ...addr('Ambulance Drop-off', 'R'),
      ),
      otherSubscriber2320(false),
      line,
    );
  return loop(
    'ST',
    'R',
    1,
    '837P',
    ...envelope837(version),
    billing2000A(subscriber2000B(claim('S'), patient2000C(claim('R')))),
    seg('SE', 'R', 1, 'Transaction Set Trailer', { req: [1, 2] }),
  );
}

// ------------------------------------------------------------------ 837D

export function spec837D(): LoopNode {
  const version = '005010X224A2';
  const line = loop(
    '2400',
    'R',
    50,
    'Service Line Number',
    seg('LX', 'R', 1, 'Service Line Number', { req: [1] }),
    seg('SV3', 'R', 1, 'Dental Service', {
      req: [1, 2, 6],
      na: [7, 8, 9, 10],
      codes: { '1-1': ['AD'], 5: ['I', 'R'] },
    }),
    seg('TOO', 'S', 32, 'Tooth Information', {
      req: [1, 2],
      codes: { 1: ['JP'], '3-*': ['B', 'D', 'F', 'I', 'L', 'M', 'O'] },
    }),
    dtp('S', 1, 'Date - Service Date', ['472'], ['D8', 'RD8']),
    dtp('S', 2, 'Date - Prior Placement', ['441']),
    dtp('S', 1, 'Date - Appliance Placement', ['452']),
    dtp('S', 1, 'Date - Replacement', ['446']),
    dtp('S', 1, 'Date - Treatment Start', ['196']),
    dtp('S', 1, 'Date - Treatment Completion', ['198']),
    seg('QTY', 'S', 1, 'Anesthesia Quantity', { q: [1, 'FL'] }),
    seg('CN1', 'S', 1, 'Contract Information'),
    ref('S', 12, 'Line Reference Information', ['G3', 'G1', '9F', '6R', '9B', '9D', '0B', '1G', 'LU', 'G2']),
    seg('AMT', 'S', 1, 'Sales Tax Amount', { q: [1, 'T'] }),
    seg('NTE', 'S', 1, 'Line Note', { codes: { 1: ['TPO'] } }),
    seg('HCP', 'S', 1, 'Line Pricing/Repricing Information'),
    provLoop('2420A', ['82'], 'Rendering Provider Name', 'S', 1, ['PE']),
    provLoop('2420B', ['DD'], 'Assistant Surgeon Name', 'S', 1, ['AS']),
    provLoop('2420C', ['DQ'], 'Supervising Provider Name', 'S', 1),
    loop(
      '2420D',
      'S',
      1,
      'Service Facility Location',
      seg('NM1', 'R', 1, 'Service Facility Location', { q: [1, '77'], req: [1, 2, 3] }),
      ...addr('Service Facility', 'R'),
      ref('S', 3, 'Service Facility Location Secondary Identification', ['G2', 'LU']),
    ),
    lineAdjudication2430(),
  );
  const claim = (usage: Usage) =>
    loop(
      '2300',
      usage,
      100,
      'Claim Information',
      seg('CLM', 'R', 1, 'Claim Information', {
        req: [1, 2, 5, 6, 7, 8, 9],
        na: [3, 4, 10, 13, 14, 15, 16, 17, 18],
        codes: {
          '5-2': ['B'],
          '5-3': ['1', '7', '8'],
          6: ['N', 'Y'],
          7: ['A', 'C'],
          8: ['N', 'W', 'Y'],
          9: ['I', 'Y'],
          12: ['01', '02', '03', '05'],
          19: ['PB'],
          20: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '15'],
        },
      }),
      dtp('S', 1, 'Date - Accident', ['439']),
      dtp('S', 1, 'Date - Appliance Placement', ['452']),
      dtp('S', 1, 'Date - Service Date', ['472'], ['D8', 'RD8']),
      dtp('S', 1, 'Date - Repricer Received Date', ['050']),
      seg('DN1', 'S', 1, 'Orthodontic Total Months of Treatment'),
      seg('DN2', 'S', 35, 'Tooth Status', { codes: { 2: ['E', 'M'] } }),
      seg('PWK', 'S', 10, 'Claim Supplemental Information'),
      seg('CN1', 'S', 1, 'Contract Information'),
      seg('AMT', 'S', 1, 'Patient Amount Paid', { q: [1, 'F5'] }),
      ref('S', 1, 'Predetermination Identification', ['G3']),
      ref('S', 1, 'Service Authorization Exception Code', ['4N']),
      ref('S', 1, 'Payer Claim Control Number', ['F8']),
      ref('S', 1, 'Referral Number', ['9F']),
      ref('S', 1, 'Prior Authorization', ['G1']),
      ref('S', 1, 'Repriced Claim Number', ['9A']),
      ref('S', 1, 'Adjusted Repriced Claim Number', ['9C']),
      ref('S', 1, 'Claim Identifier For Transmission Intermediaries', ['D9']),
      ref('S', 1, 'Demonstration Project Identifier', ['P4']),
      seg('K3', 'S', 10, 'File Information'),
      seg('NTE', 'S', 1, 'Claim Note', { codes: { 1: ['ADD'] } }),
      seg('HI', 'S', 1, 'Health Care Diagnosis Code', {
        req: [1],
        na: [5, 6, 7, 8, 9, 10, 11, 12],
        codes: { '1-1': ['ABK', 'BK'], '2-1': ['ABF', 'BF'], '3-1': ['ABF', 'BF'], '4-1': ['ABF', 'BF'] },
      }),
      seg('HCP', 'S', 1, 'Claim Pricing/Repricing Information'),
      provLoop('2310A', ['DN', 'P3'], 'Referring Provider Name', 'S', 2, ['RF']),
      provLoop('2310B', ['82'], 'Rendering Provider Name', 'S', 1, ['PE']),
      loop(
        '2310C',
        'S',
        1,
        'Service Facility Location',
        seg('NM1', 'R', 1, 'Service Facility Location', {
          q: [1, '77'],
          req: [1, 2, 3],
          codes: { 2: ['2'], 8: ['XX'] },
        }),
        ...addr('Service Facility', 'R'),
        ref('S', 3, 'Service Facility Location Secondary Identification', ['G2', 'LU']),
      ),
      provLoop('2310D', ['DD'], 'Assistant Surgeon Name', 'S', 1, ['AS']),
      provLoop('2310E', ['DQ'], 'Supervising Provider Name', 'S', 1),
      otherSubscriber2320(true),
      line,
    );
  return loop(
    'ST',
    'R',
    1,
    '837D',
    ...envelope837(version),
    billing2000A(subscriber2000B(claim('S'), patient2000C(claim('R')))),
    seg('SE', 'R', 1, 'Transaction Set Trailer', { req: [1, 2] }),
  );
}

// ------------------------------------------------------------------ 999

export function spec999(): LoopNode {
  return loop(
    'ST',
    'R',
    1,
    '999',
    seg('ST', 'R', 1, 'Transaction Set Header', {
      req: [1, 2, 3],
      codes: { 1: ['999'], 3: ['005010X231A1'] },
    }),
    seg('AK1', 'R', 1, 'Functional Group Response Header', { req: [1, 2, 3] }),
    loop(
      '2000',
      'S',
      MANY,
      'Transaction Set Response Header',
      seg('AK2', 'R', 1, 'Transaction Set Response Header', { req: [1, 2] }),
      loop(
        '2100',
        'S',
        MANY,
        'Error Identification',
        seg('IK3', 'R', 1, 'Error Identification', {
          req: [1, 2, 4],
          codes: { 4: ['1', '2', '3', '4', '5', '6', '7', '8', 'I4', 'I6', 'I7', 'I8', 'I9'] },
        }),
        seg('CTX', 'S', 10, 'Segment Context / Business Unit Identifier'),
        loop(
          '2110',
          'S',
          99,
          'Implementation Data Element Note',
          seg('IK4', 'R', 1, 'Implementation Data Element Note', {
            req: [1, 3],
            codes: {
              3: [
                '1',
                '2',
                '3',
                '4',
                '5',
                '6',
                '7',
                '8',
                '9',
                '10',
                '12',
                '13',
                'I10',
                'I11',
                'I12',
                'I13',
                'I6',
                'I9',
              ],
            },
          }),
          seg('CTX', 'S', 10, 'Element Context'),
        ),
      ),
      seg('IK5', 'R', 1, 'Transaction Set Response Trailer', {
        req: [1],
        codes: {
          1: ['A', 'E', 'M', 'R', 'W', 'X'],
          2: [
            '1',
            '2',
            '3',
            '4',
            '5',
            '6',
            '7',
            '8',
            '9',
            '10',
            '11',
            '12',
            '13',
            '15',
            '16',
            '17',
            '18',
            '19',
            '23',
            '24',
            '25',
            '26',
            '27',
            'I5',
            'I6',
          ],
        },
      }),
    ),
    seg('AK9', 'R', 1, 'Functional Group Response Trailer', {
      req: [1, 2, 3, 4],
      codes: { 1: ['A', 'E', 'M', 'P', 'R', 'W', 'X'] },
    }),
    seg('SE', 'R', 1, 'Transaction Set Trailer', { req: [1, 2] }),
  );
}

// ------------------------------------------------------------------ 277CA

const STC_RULE: SegOpts = { req: [1, 2], codes: { 3: ['WQ', 'U'] } };

export function spec277CA(): LoopNode {
  const svc = loop(
    '2220D',
    'S',
    MANY,
    'Service Line Information',
    seg('SVC', 'R', 1, 'Service Line Information', { req: [1, 2] }),
    seg('STC', 'R', MANY, 'Service Line Level Status Information', STC_RULE),
    ref('S', 1, 'Service Line Item Identification', ['FJ']),
    dtp('R', 1, 'Service Line Date', ['472'], ['D8', 'RD8']),
  );
  return loop(
    'ST',
    'R',
    1,
    '277CA',
    seg('ST', 'R', 1, 'Transaction Set Header', { req: [1, 2, 3], codes: { 1: ['277'], 3: ['005010X214'] } }),
    seg('BHT', 'R', 1, 'Beginning of Hierarchical Transaction', {
      req: [1, 2, 3, 4, 6],
      codes: { 1: ['0085'], 2: ['08'], 6: ['TH'] },
    }),
    loop(
      '2000A',
      'R',
      MANY,
      'Information Source Level',
      seg('HL', 'R', 1, 'Information Source Level', {
        q: [3, '20'],
        req: [1, 3, 4],
        na: [2],
        codes: { 4: ['1'] },
      }),
      loop(
        '2100A',
        'R',
        1,
        'Payer Name',
        seg('NM1', 'R', 1, 'Information Source Name', {
          q: [1, 'AY', 'PR'],
          req: [1, 2, 3, 8, 9],
          codes: { 2: ['2'], 8: ['46', 'FI', 'PI', 'XV'] },
        }),
      ),
      loop(
        '2200A',
        'R',
        1,
        'Transmission Receipt Control Identifier',
        seg('TRN', 'R', 1, 'Transmission Receipt Control Identifier', { req: [1, 2], codes: { 1: ['1'] } }),
        dtp('R', 1, 'Information Source Receipt Date', ['050']),
        dtp('R', 1, 'Information Source Process Date', ['009']),
      ),
      loop(
        '2000B',
        'R',
        MANY,
        'Information Receiver Level',
        seg('HL', 'R', 1, 'Information Receiver Level', {
          q: [3, '21'],
          req: [1, 2, 3, 4],
          codes: { 4: ['0', '1'] },
        }),
        loop(
          '2100B',
          'R',
          1,
          'Information Receiver Name',
          seg('NM1', 'R', 1, 'Information Receiver Name', {
            q: [1, '41'],
            req: [1, 2, 3, 8, 9],
            codes: { 8: ['46'] },
          }),
        ),
        loop(
          '2200B',
          'R',
          1,
          'Information Receiver Application Trace Identifier',
          seg('TRN', 'R', 1, 'Information Receiver Application Trace Identifier', {
            req: [1, 2],
            codes: { 1: ['2'] },
          }),
          seg('STC', 'R', MANY, 'Information Receiver Status Information', STC_RULE),
          seg('QTY', 'S', 1, 'Total Accepted Quantity', { q: [1, '90'], req: [1, 2] }),
          seg('QTY', 'S', 1, 'Total Rejected Quantity', { q: [1, 'AA'], req: [1, 2] }),
          seg('AMT', 'S', 1, 'Total Accepted Amount', { q: [1, 'YU'], req: [1, 2] }),
          seg('AMT', 'S', 1, 'Total Rejected Amount', { q: [1, 'YY'], req: [1, 2] }),
        ),
        loop(
          '2000C',
          'S',
          MANY,
          'Billing Provider of Service Level',
          seg('HL', 'R', 1, 'Billing Provider of Service Level', {
            q: [3, '19'],
            req: [1, 2, 3, 4],
            // HL04 0: a provider-level status with no patient HL below it (X214 business scenario 4).
            codes: { 4: ['0', '1'] },
          }),
          loop(
            '2100C',
            'R',
            1,
            'Billing Provider Name',
            seg('NM1', 'R', 1, 'Billing Provider Name', {
              q: [1, '85'],
              req: [1, 2, 3, 8, 9],
              codes: { 8: ['FI', 'SV', 'XX'] },
            }),
          ),
          loop(
            '2200C',
            'S',
            1,
            'Provider of Service Information Trace Identifier',
            seg('TRN', 'R', 1, 'Provider of Service Information Trace Identifier', {
              req: [1, 2],
              codes: { 1: ['1'] },
            }),
            seg('STC', 'S', MANY, 'Billing Provider Status Information', STC_RULE),
            ref('S', 2, 'Provider Secondary Identifier', ['0B', '1G', 'G2', 'LU', 'SY', 'TJ']),
            seg('QTY', 'S', 1, 'Total Accepted Quantity', { q: [1, 'QA'] }),
            seg('QTY', 'S', 1, 'Total Rejected Quantity', { q: [1, 'QC'] }),
            seg('AMT', 'S', 1, 'Total Accepted Amount', { q: [1, 'YU'] }),
            seg('AMT', 'S', 1, 'Total Rejected Amount', { q: [1, 'YY'] }),
          ),
          loop(
            '2000D',
            'S',
            MANY,
            'Patient Level',
            seg('HL', 'R', 1, 'Patient Level', { q: [3, 'PT'], req: [1, 2, 3] }),
            loop(
              '2100D',
              'R',
              1,
              'Patient Name',
              seg('NM1', 'R', 1, 'Patient Name', {
                q: [1, 'QC'],
                req: [1, 2, 3],
                codes: { 8: ['II', 'MI'] },
              }),
            ),
            loop(
              '2200D',
              'R',
              MANY,
              'Claim Status Tracking Number',
              seg('TRN', 'R', 1, 'Claim Status Tracking Number', { req: [1, 2], codes: { 1: ['2'] } }),
              seg('STC', 'R', MANY, 'Claim Level Status Information', {
                req: [1, 2, 3, 4],
                na: [5, 6, 7, 8, 9],
                codes: { 3: ['WQ', 'U'] },
              }),
              ref('S', 1, 'Payer Claim Control Number', ['1K']),
              ref('S', 1, 'Clearinghouse Trace Number', ['D9']),
              ref('S', 1, 'Institutional Bill Type Identification', ['BLT']),
              ref('S', 1, 'Patient Control Number', ['EJ']),
              ref('S', 1, 'Medical Record Identification', ['EA']),
              dtp('S', 1, 'Claim Level Service Date', ['472'], ['D8', 'RD8']),
              svc,
            ),
          ),
        ),
      ),
    ),
    seg('SE', 'R', 1, 'Transaction Set Trailer', { req: [1, 2] }),
  );
}

// ------------------------------------------------------------------ 835

export const PLB_REASONS = [
  '50',
  '51',
  '72',
  '90',
  'AH',
  'AM',
  'AP',
  'B2',
  'B3',
  'BD',
  'BN',
  'C5',
  'CR',
  'CS',
  'CT',
  'CV',
  'CW',
  'DM',
  'E3',
  'FB',
  'FC',
  'GO',
  'HM',
  'IP',
  'IR',
  'IS',
  'J1',
  'L3',
  'L6',
  'LE',
  'LS',
  'OA',
  'OB',
  'PI',
  'PL',
  'RA',
  'RE',
  'SL',
  'TL',
  'WO',
  'WU',
] as const;

export function spec835(): LoopNode {
  const casRule: SegOpts = { req: [1, 2, 3], codes: { 1: ['CO', 'CR', 'OA', 'PI', 'PR'] } };
  const svc = loop(
    '2110',
    'S',
    999,
    'Service Payment Information',
    seg('SVC', 'R', 1, 'Service Payment Information', {
      req: [1, 2, 3],
      codes: { '1-1': ['AD', 'ER', 'HC', 'HP', 'IV', 'N4', 'N6', 'NU', 'UI', 'WK'] },
    }),
    seg('DTM', 'S', 2, 'Service Date', { q: [1, '150', '151', '472'], req: [1, 2] }),
    seg('CAS', 'S', 99, 'Service Adjustment', casRule),
    ref('S', 8, 'Service Identification', ['1S', 'APC', 'BB', 'E9', 'G1', 'G3', 'LU', 'RB']),
    ref('S', 1, 'Line Item Control Number', ['6R']),
    ref('S', 10, 'Rendering Provider Information', [
      '0B',
      '1A',
      '1B',
      '1C',
      '1D',
      '1G',
      '1H',
      '1J',
      'D3',
      'G2',
      'HPI',
      'SY',
      'TJ',
    ]),
    ref('S', 5, 'HealthCare Policy Identification', ['0K']),
    seg('AMT', 'S', 9, 'Service Supplemental Amount', {
      req: [1, 2],
      codes: { 1: ['B6', 'KH', 'T', 'T2', 'ZK', 'ZL', 'ZM', 'ZN', 'ZO'] },
    }),
    seg('QTY', 'S', 6, 'Service Supplemental Quantity', {
      req: [1, 2],
      codes: { 1: ['ZK', 'ZL', 'ZM', 'ZN', 'ZO'] },
    }),
    seg('LQ', 'S', 99, 'Health Care Remark Codes', { req: [1, 2], codes: { 1: ['HE', 'RX'] } }),
  );
  const claim = loop(
    '2100',
    'R',
    MANY,
    'Claim Payment Information',
    seg('CLP', 'R', 1, 'Claim Payment Information', {
      req: [1, 2, 3, 4, 6, 7],
      codes: { 2: ['1', '2', '3', '4', '19', '20', '21', '22', '23', '25'], 6: FILING_CODES },
    }),
    seg('CAS', 'S', 99, 'Claim Adjustment', casRule),
    seg('NM1', 'R', 1, 'Patient Name', {
      q: [1, 'QC'],
      req: [1, 2],
      codes: { 8: ['34', 'HN', 'II', 'MI', 'MR'] },
    }),
    seg('NM1', 'S', 1, 'Insured Name', { q: [1, 'IL'], req: [1, 2, 8, 9], codes: { 8: ['FI', 'II', 'MI'] } }),
    seg('NM1', 'S', 1, 'Corrected Patient/Insured Name', { q: [1, '74'], req: [1, 2] }),
    seg('NM1', 'S', 1, 'Service Provider Name', {
      q: [1, '82'],
      req: [1, 2, 8, 9],
      codes: { 8: ['BD', 'BS', 'FI', 'MC', 'PC', 'SL', 'UP', 'XX'] },
    }),
    seg('NM1', 'S', 1, 'Crossover Carrier Name', { q: [1, 'TT'], req: [1, 2, 3, 8, 9] }),
    seg('NM1', 'S', 1, 'Corrected Priority Payer Name', { q: [1, 'PR'], req: [1, 2, 3, 8, 9] }),
    seg('NM1', 'S', 1, 'Other Subscriber Name', { q: [1, 'GB'], req: [1, 2] }),
    seg('MIA', 'S', 1, 'Inpatient Adjudication Information'),
    seg('MOA', 'S', 1, 'Outpatient Adjudication Information'),
    ref('S', 5, 'Other Claim Related Identification', [
      '1L',
      '1W',
      '28',
      '6P',
      '9A',
      '9C',
      'BB',
      'CE',
      'EA',
      'F8',
      'G1',
      'G3',
      'IG',
      'SY',
    ]),
    ref('S', 10, 'Rendering Provider Identification', [
      '0B',
      '1A',
      '1B',
      '1C',
      '1D',
      '1G',
      '1H',
      '1J',
      'D3',
      'G2',
      'LU',
    ]),
    seg('DTM', 'S', 2, 'Statement From or To Date', { q: [1, '232', '233'], req: [1, 2] }),
    seg('DTM', 'S', 1, 'Coverage Expiration Date', { q: [1, '036'], req: [1, 2] }),
    seg('DTM', 'S', 1, 'Claim Received Date', { q: [1, '050'], req: [1, 2] }),
    seg('PER', 'S', 2, 'Claim Contact Information', { q: [1, 'CX'] }),
    seg('AMT', 'S', 13, 'Claim Supplemental Information', {
      req: [1, 2],
      codes: { 1: ['AU', 'D8', 'DY', 'F5', 'I', 'NL', 'T', 'T2', 'ZK', 'ZL', 'ZM', 'ZN', 'ZO'] },
    }),
    seg('QTY', 'S', 14, 'Claim Supplemental Information Quantity', {
      req: [1, 2],
      codes: { 1: ['CA', 'CD', 'LA', 'LE', 'NE', 'NR', 'OU', 'PS', 'VS', 'ZK', 'ZL', 'ZM', 'ZN', 'ZO'] },
    }),
    svc,
  );
  return loop(
    'ST',
    'R',
    1,
    '835',
    // X221A1 marks ST03 Not Used (its examples read ST*835*1234); payers that send it anyway send the
    // guide's id, so it is accepted when present rather than refused.
    seg('ST', 'R', 1, 'Transaction Set Header', {
      req: [1, 2],
      codes: { 1: ['835'], 3: ['005010X221A1'] },
    }),
    seg('BPR', 'R', 1, 'Financial Information', {
      req: [1, 2, 3, 4, 16],
      codes: {
        1: ['C', 'D', 'H', 'I', 'P', 'U', 'X'],
        3: ['C', 'D'],
        4: ['ACH', 'BOP', 'CHK', 'FWT', 'NON'],
      },
    }),
    seg('TRN', 'R', 1, 'Reassociation Trace Number', { req: [1, 2, 3], codes: { 1: ['1'] } }),
    seg('CUR', 'S', 1, 'Foreign Currency Information'),
    ref('S', 1, 'Receiver Identification', ['EV']),
    ref('S', 1, 'Version Identification', ['F2']),
    seg('DTM', 'S', 1, 'Production Date', { q: [1, '405'], req: [1, 2] }),
    loop(
      '1000A',
      'R',
      1,
      'Payer Identification',
      seg('N1', 'R', 1, 'Payer Identification', { q: [1, 'PR'], req: [1, 2], codes: { 3: ['XV'] } }),
      ...addr('Payer', 'R'),
      ref('S', 4, 'Additional Payer Identification', ['2U', 'EO', 'HI', 'NF']),
      seg('PER', 'S', 1, 'Payer Business Contact Information', { q: [1, 'CX'] }),
      seg('PER', 'R', MANY, 'Payer Technical Contact Information', { q: [1, 'BL'] }),
      seg('PER', 'S', 1, 'Payer WEB Site', { q: [1, 'IC'] }),
    ),
    loop(
      '1000B',
      'R',
      1,
      'Payee Identification',
      seg('N1', 'R', 1, 'Payee Identification', {
        q: [1, 'PE'],
        req: [1, 2, 3, 4],
        codes: { 3: ['FI', 'XV', 'XX'] },
      }),
      ...addr('Payee'),
      ref('S', MANY, 'Payee Additional Identification', ['0B', 'D3', 'PQ', 'TJ']),
      seg('RDM', 'S', 1, 'Remittance Delivery Method'),
    ),
    loop(
      '2000',
      'S',
      MANY,
      'Header Number',
      seg('LX', 'R', 1, 'Header Number', { req: [1] }),
      seg('TS3', 'S', 1, 'Provider Summary Information'),
      seg('TS2', 'S', 1, 'Provider Supplemental Summary Information'),
      claim,
    ),
    seg('PLB', 'S', MANY, 'Provider Adjustment', { req: [1, 2, 3, 4] }),
    seg('SE', 'R', 1, 'Transaction Set Trailer', { req: [1, 2] }),
  );
}

// Synthetic HL7 messages: obviously fake people, deterministic by index. Used by tests, the bench
// and the demo feed (`claimbox demo` makes its DFT^P03s here). No real patient data anywhere.

import { escape } from './parse.js';

export interface SampleOptions {
  /** Drives every varying value, so message i is always the same. */
  index: number;
  controlId?: string;
  sendingApp?: string;
  sendingFacility?: string;
  visitNumber?: string;
  version?: string;
  /** Charge lines (FT1); 6 gives a message of about 3 KB. */
  charges?: number;
  dental?: boolean;
  /** 'YYYYMMDD' */
  dateOfService?: string;
  /** MSH-15 / MSH-16 for enhanced acknowledgment mode. */
  acceptAck?: string;
  appAck?: string;
  /** Segment terminator; HL7 says \r. */
  eol?: string;
}

const LAST = ['Testperson', 'Sampleton', 'Fakename', 'Demoson', 'Mockwell', 'Exampleby', 'Placeholder'];
const FIRST = ['Alex', 'Jordan', 'Casey', 'Robin', 'Morgan', 'Taylor', 'Jamie', 'Riley'];
const MED_CODES = [
  ['99213', 'Office visit est low'],
  ['36415', 'Venipuncture'],
  ['81002', 'Urinalysis nonauto w/o scope'],
  ['90471', 'Immunization admin'],
  ['90686', 'Flu vaccine quadrivalent'],
  ['93000', 'Electrocardiogram complete'],
  ['87880', 'Strep A assay w/optic'],
  ['11102', 'Tangential biopsy skin single'],
] as const;
const DENTAL_CODES = [
  ['D0120', 'Periodic oral evaluation', '', ''],
  ['D1110', 'Prophylaxis adult', '', ''],
  ['D0274', 'Bitewings four radiographic images', '', ''],
  ['D2392', 'Resin-based composite two surfaces posterior', '30', 'MO'],
  ['D2391', 'Resin-based composite one surface posterior', '14', 'O'],
  ['D4341', 'Periodontal scaling and root planing four or more teeth', '', 'UR'],
  ['D7140', 'Extraction erupted tooth', '1', ''],
  ['D2740', 'Crown porcelain ceramic', '8', ''],
] as const;
const DX = [
  ['E11.9', 'Type 2 diabetes mellitus without complications'],
  ['I10', 'Essential primary hypertension'],
  ['J02.9', 'Acute pharyngitis unspecified'],
  ['Z23', 'Encounter for immunization'],
  ['R51.9', 'Headache unspecified'],
  ['K02.52', 'Dental caries on pit and fissure surface penetrating into dentin'],
] as const;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** One segment from field numbers to (already escaped) values: positions are explicit, never counted pipes. */
function seg(id: string, fields: Record<number, string>): string {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const out = [id];
  for (let n = 1; n <= max; n++) out.push(fields[n] ?? '');
  return out.join('|');
}

/** A synthetic DFT^P03 (about 3 KB with 6 charges). */
export function sampleDft(o: SampleOptions): string {
  const i = o.index;
  const ver = o.version ?? '2.5.1';
  const app = o.sendingApp ?? 'FAKEEHR';
  const fac = o.sendingFacility ?? 'DEMO CLINIC';
  const ctl = o.controlId ?? `MSG${pad(i, 8)}`;
  const visit = o.visitNumber ?? `V${pad(i, 7)}`;
  const dos = o.dateOfService ?? `2026${pad((i % 12) + 1, 2)}${pad((i % 27) + 1, 2)}`;
  const last = LAST[i % LAST.length]!;
  const firstName = FIRST[i % FIRST.length]!;
  const mrn = `MRN${pad(i, 7)}`;
  const npi = '1234567893';
  const e = (s: string) => escape(s);
  const segs: string[] = [];
  const mshTail =
    o.acceptAck !== undefined || o.appAck !== undefined ? `|||${o.acceptAck ?? ''}|${o.appAck ?? ''}` : '';
  segs.push(`MSH|^~\\&|${app}|${fac}|CLAIMBOX|BILLING|${dos}1530||DFT^P03^DFT_P03|${ctl}|P|${ver}${mshTail}`);
  segs.push(`EVN|P03|${dos}153012|||FAKEUSER^Clerk^Demo`);
  const dob = `19${pad(50 + (i % 49), 2)}0${(i % 9) + 1}15`;
  const sex = i % 2 ? 'F' : 'M';
  const street = `${100 + (i % 900)} Example St`;
  const phone = `^PRN^PH^^1^217^5550${pad(i % 1000, 3)}`;
  segs.push(
    seg('PID', {
      1: '1',
      3: `${mrn}^^^FAKEEHR^MR~${pad(i, 9)}^^^XX^PI`,
      5: `${last}^${firstName}^Q^^^^L`,
      7: dob,
      8: sex,
      11: `${street}^Apt ${i % 20}^Springfield^IL^62701^USA^H`,
      13: phone,
      16: 'S',
      18: `ACCT${pad(i, 7)}`,
    }),
  );
  segs.push(
    seg('PV1', {
      1: '1',
      2: 'O',
      3: `${o.dental ? 'OFFICE' : '11'}^^^DEMO CLINIC`,
      7: `${npi}^Provider^Pat^A^^^MD^^NPPES^^^^NPI`,
      8: '1497758544^Referrer^Ref^^^^DO',
      19: `${visit}^^^FAKEEHR^VN`,
      44: `${dos}0900`,
      45: `${dos}0945`,
    }),
  );
  segs.push(
    seg('PV2', { 3: '^Follow-up visit', 7: i % 3 === 0 ? 'NEW' : 'EST', 12: `Office visit ${e('&')} labs` }),
  );
  segs.push(
    seg('GT1', {
      1: '1',
      2: `G${pad(i, 6)}`,
      3: `${last}^${firstName}^Q`,
      5: `${street}^^Springfield^IL^62701`,
      6: phone,
      8: dob,
      9: sex,
      11: 'SEL',
    }),
  );
  segs.push(
    seg('IN1', {
      1: '1',
      2: 'PPO^Preferred Provider',
      3: `${o.dental ? 'DENT1' : '60054'}^^^PAYERID`,
      4: `Fake Health Plan ${i % 5}`,
      5: 'PO Box 1000^^Hartford^CT^06101',
      7: '^^^^^800^5550100',
      8: `GRP${pad(i % 500, 5)}`,
      14: `AUTH${pad(i, 5)}`,
      15: 'CI',
      16: `${last}^${firstName}^Q`,
      17: 'SEL^Self',
      18: dob,
      19: `${street}^^Springfield^IL^62701`,
      20: 'Y',
      22: '1',
      36: `MEM${pad(i, 9)}`,
      43: sex,
    }),
  );
  segs.push(seg('IN2', { 1: '1', 8: `HIC${pad(i, 8)}` }));
  if (i % 4 === 0) {
    segs.push(
      seg('IN1', {
        1: '2',
        2: 'MCR^Medicare',
        3: `${o.dental ? 'DENT2' : '00431'}^^^PAYERID`,
        4: 'Fake Secondary Plan',
        5: 'PO Box 2000^^Columbus^OH^43215',
        15: 'MB',
        16: 'Samplee^Spouse^J',
        17: 'SPO^Spouse',
        18: '19600101',
        19: '1 Other Rd^^Columbus^OH^43215',
        36: `SEC${pad(i, 8)}`,
        43: 'F',
      }),
    );
  }
  const dxs = o.dental ? [DX[5]] : [DX[i % 5]!, DX[(i + 1) % 5]!, DX[(i + 2) % 5]!, DX[3]];
  dxs.forEach(([code, text], k) => {
    segs.push(
      seg('DG1', { 1: String(k + 1), 2: 'I10', 3: `${code}^${text}^I10`, 5: dos, 6: 'F', 15: String(k + 1) }),
    );
  });
  segs.push(
    seg('PR1', {
      1: '1',
      3: o.dental ? 'D0120^Periodic oral evaluation^CDT' : '99213^Office visit^C4',
      5: `${dos}0900`,
      6: 'D',
    }),
  );
  const n = o.charges ?? 6;
  for (let k = 0; k < n; k++) {
    const dxLinks = dxs
      .slice(0, 2 + (k % 2))
      .map(([code, text]) => `${code}^${text}^I10`)
      .join('~');
    if (o.dental) {
      const [code, text, tooth, surf] = DENTAL_CODES[(i + k) % DENTAL_CODES.length]!;
      const quad = surf === 'UR' ? 'UR' : '';
      const surfaces = quad ? '' : surf;
      segs.push(
        seg('FT1', {
          1: String(k + 1),
          2: `T${pad(i, 6)}${k}`,
          4: `${dos}0900`,
          5: dos,
          6: 'CG',
          7: `${code}^${text}^CDT`,
          8: text,
          10: '1',
          11: `${100 + k * 25}.00^USD`,
          19: dxLinks,
          20: `${npi}^Provider^Pat`,
          25: `${code}^${text}^CDT`,
          26: `${tooth}^${surfaces}^${quad}`,
        }),
      );
    } else {
      const [code, text] = MED_CODES[(i + k) % MED_CODES.length]!;
      const mods = code.startsWith('992') ? '25' : k === 5 ? 'RT~59' : '';
      segs.push(
        seg('FT1', {
          1: String(k + 1),
          2: `T${pad(i, 6)}${k}`,
          4: `${dos}0900`,
          5: dos,
          6: 'CG',
          7: `${code}^${text}^C4`,
          8: text,
          10: k === 3 ? '2' : '1',
          11: `${(80 + k * 15.5).toFixed(2)}^USD`,
          16: '11',
          19: dxLinks,
          20: `${npi}^Provider^Pat^A^^^MD`,
          21: '1497758544^Referrer^Ref',
          25: `${code}^${text}^C4`,
          26: mods,
        }),
      );
    }
  }
  segs.push(
    seg('OBX', {
      1: '1',
      2: 'ST',
      3: 'MDM^Medical decision making^LOCAL',
      5: ['low', 'moderate', 'high', 'SF'][i % 4]!,
      11: 'F',
    }),
  );
  segs.push(
    seg('OBX', {
      1: '2',
      2: 'NM',
      3: 'TOTTIME^Total time^LOCAL',
      5: String(20 + (i % 40)),
      6: 'min',
      11: 'F',
    }),
  );
  segs.push(
    seg('OBX', { 1: '3', 2: 'ST', 3: 'VISITTYPE^Visit type^LOCAL', 5: i % 3 === 0 ? 'NEW' : 'EST', 11: 'F' }),
  );
  segs.push(seg('ZPV', { 1: '1', 2: e('internal|note'), 3: 'FAKE-Z-DATA' }));
  return segs.join(o.eol ?? '\r');
}

/** A synthetic MDM^T02 for the same visit (TXA-17 AU authenticated unless told otherwise). */
export function sampleMdm(o: SampleOptions & { status?: string }): string {
  const i = o.index;
  const ver = o.version ?? '2.5.1';
  const app = o.sendingApp ?? 'FAKEEHR';
  const fac = o.sendingFacility ?? 'DEMO CLINIC';
  const ctl = o.controlId ?? `MDM${pad(i, 8)}`;
  const visit = o.visitNumber ?? `V${pad(i, 7)}`;
  const dos = o.dateOfService ?? `2026${pad((i % 12) + 1, 2)}${pad((i % 27) + 1, 2)}`;
  return [
    `MSH|^~\\&|${app}|${fac}|CLAIMBOX|BILLING|${dos}1700||MDM^T02^MDM_T02|${ctl}|P|${ver}`,
    `EVN|T02|${dos}1700`,
    `PID|1||MRN${pad(i, 7)}^^^FAKEEHR^MR||${LAST[i % LAST.length]}^${FIRST[i % FIRST.length]}`,
    seg('PV1', { 1: '1', 2: 'O', 3: '11', 7: '1234567893^Provider^Pat', 19: `${visit}^^^FAKEEHR^VN` }),
    seg('TXA', {
      1: '1',
      2: 'PN^Progress note',
      3: 'TX',
      4: `${dos}1650`,
      5: '1234567893^Provider^Pat',
      6: `${dos}0900`,
      12: `DOC${pad(i, 7)}`,
      17: o.status ?? 'AU',
      // TXA-22 PPN: the 15th component is the authentication time.
      22: `1234567893^Provider^Pat^^^^^^^^^^^^${dos}165500`,
    }),
    `OBX|1|TX|NOTE^Progress note||Synthetic note text for a fake visit.||||||F`,
  ].join(o.eol ?? '\r');
}

/** Wrap messages in FHS/BHS ... BTS/FTS batch envelopes (HL7 v2.5 §2.10.3). */
export function sampleBatch(messages: string[], eol = '\r'): string {
  return [
    'FHS|^~\\&|FAKEEHR|DEMO CLINIC|CLAIMBOX|BILLING|20260301120000||batch.hl7',
    'BHS|^~\\&|FAKEEHR|DEMO CLINIC|CLAIMBOX|BILLING|20260301120000',
    ...messages.map((m) => m.replace(/\r/g, eol)),
    `BTS|${messages.length}`,
    'FTS|1',
  ].join(eol);
}

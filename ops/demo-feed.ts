// Synthetic finalized encounters as HL7 v2.5 DFT^P03 messages: the demo feed and the benchmark's
// input. Every name, MRN and member id is obviously fake; the same seed gives the same messages.

const LAST = [
  'Testpatient',
  'Sampleton',
  'Demoson',
  'Fakerly',
  'Mockwell',
  'Synthia',
  'Placeholder',
  'Dummyford',
];
const FIRST = ['Alex', 'Jordan', 'Casey', 'Riley', 'Morgan', 'Taylor', 'Jamie', 'Avery', 'Quinn', 'Drew'];
const PAYERS = [
  ['SBX01', 'Sandbox Health Plan', 'CI'],
  ['SBX02', 'Sandbox Medicare B', 'MB'],
  ['SBX03', 'Sandbox Medicaid', 'MC'],
] as const;
/** Office visits the family-medicine sample tables know: E/M level by MDM, plus common add-ons. */
const VISITS = [
  { mdm: 'low', minutes: 25, dx: [['J06.9', 'Acute upper respiratory infection']], procs: [] as string[][] },
  {
    mdm: 'moderate',
    minutes: 35,
    dx: [
      ['E11.9', 'Type 2 diabetes mellitus'],
      ['I10', 'Essential hypertension'],
    ],
    procs: [['82947', 'Glucose blood quant']],
  },
  {
    mdm: 'moderate',
    minutes: 30,
    dx: [['I10', 'Essential hypertension']],
    procs: [['93000', 'ECG complete']],
  },
  {
    mdm: 'low',
    minutes: 20,
    dx: [['Z23', 'Encounter for immunization']],
    procs: [
      ['90471', 'Immunization admin'],
      ['90686', 'Flu vaccine quadrivalent'],
    ],
  },
  {
    mdm: 'high',
    minutes: 55,
    dx: [
      ['J18.9', 'Pneumonia unspecified organism'],
      ['R05.9', 'Cough unspecified'],
    ],
    procs: [['71046', 'Chest x-ray 2 views']],
  },
  { mdm: 'straightforward', minutes: 15, dx: [['L70.0', 'Acne vulgaris']], procs: [] },
];
/** Valid NPIs (Luhn with the 80840 prefix) for fictional clinicians. */
const RENDERING = [
  ['1245319599', 'Doctorly', 'Pat'],
  ['1679576722', 'Physicianson', 'Sam'],
] as const;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, arr: readonly T[]): T {
  return arr[Math.floor(r() * arr.length)]!;
}

function hl7Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export interface DemoMessage {
  controlId: string;
  visitNumber: string;
  text: string;
}

/** One DFT^P03 per encounter; `index` makes ids unique, `now` dates the visit (today). */
export function demoDft(
  index: number,
  opts: { seed?: number; now?: Date; sendingApp?: string } = {},
): DemoMessage {
  const r = rng((opts.seed ?? 42) * 1_000_003 + index);
  const now = opts.now ?? new Date();
  const dos = now.toISOString().slice(0, 10).replace(/-/g, '');
  const last = pick(r, LAST);
  const first = pick(r, FIRST);
  const sex = r() < 0.5 ? 'F' : 'M';
  const year = 1940 + Math.floor(r() * 70);
  const dob = `${year}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const mrn = `DEMO${String(100000 + (index % 900000))}`;
  const visit = `V${String(index).padStart(8, '0')}`;
  const controlId = `DEMO${String(index).padStart(10, '0')}`;
  const [payerId, payerName, _filing] = pick(r, PAYERS);
  const [npi, provLast, provFirst] = pick(r, RENDERING);
  const v = pick(r, VISITS);
  const established = r() < 0.8;
  const app = opts.sendingApp ?? 'DEMOEHR';
  const ts = hl7Time(now);
  const segs: string[] = [
    `MSH|^~\\&|${app}|MAPLE|CLAIMBOX|MAPLE|${ts}||DFT^P03^DFT_P03|${controlId}|P|2.5`,
    `EVN|P03|${ts}`,
    `PID|1||${mrn}^^^MAPLE^MR||${last}^${first}^Q||${dob}|${sex}|||${100 + (index % 800)} Fake Ave^^Springfield^IL^62701||2175550${String(100 + (index % 900)).padStart(3, '0')}`,
    `PV1|1|O|MAPLE^^^MAPLE||||${npi}^${provLast}^${provFirst}|||||||||||${established ? 'R' : 'N'}|${visit}|||||||||||||||||||||||||${dos}`,
    `PV2|||||||||||||||||||||||||||||||||||||||||||||||||MDM^${v.mdm}|${v.minutes}`,
    `GT1|1||${last}^${first}`,
    `IN1|1|PLAN1|${payerId}|${payerName}|||||GRP${1000 + (index % 50)}||||||||${last}^${first}|SEL|${dob}||||||||||||||||||||${'MEM' + String(5000000 + index)}`,
  ];
  v.dx.forEach(([code, text], i) => segs.push(`DG1|${i + 1}||${code}^${text}^I10||${ts}|F`));
  // The E/M line is the engine's to choose (from MDM/time in PV2); FT1 carries the other procedures.
  v.procs.forEach(([code, text], i) => {
    const dxLinks = v.dx.map((_d, j) => String(j + 1)).join('~');
    segs.push(
      `FT1|${i + 1}|||${dos}|${dos}|CG|${code}^${text}^LOCAL||1|||||||||11|${dxLinks}|${npi}^${provLast}^${provFirst}||||${code}^${text}^CPT|`,
    );
  });
  return { controlId, visitNumber: visit, text: segs.join('\r') + '\r' };
}

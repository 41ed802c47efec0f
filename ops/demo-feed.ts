// Synthetic finalized encounters as HL7 v2.5 DFT^P03 messages in the generic-2.5 profile's shape:
// the demo feed, `claimbox demo` and the benchmark's input. Codes are the EHR's local codes that
// the sample family-medicine tables map (ops/tables/family-medicine), MDM level and total time come
// as OBX observations, so the engine chooses the E/M level. Every name and id is obviously fake.

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
/** Payer ids of the sample tables (ops/tables/family-medicine/payers.csv). */
const PAYERS = [
  ['SAMPLE-PPO', 'Sample Commercial PPO', 'CI'],
  ['SAMPLE-HMO', 'Sample Commercial HMO', 'HM'],
  ['SAMPLE-MCR', 'Sample Medicare Part B', 'MB'],
  ['SAMPLE-MCD', 'Sample State Medicaid', 'MC'],
] as const;
const VISITS: { mdm: string; minutes: number; dx: [string, string][]; procs: [string, string][] }[] = [
  { mdm: 'low', minutes: 22, dx: [['URI', 'Acute upper respiratory infection']], procs: [] },
  {
    mdm: 'moderate',
    minutes: 35,
    dx: [
      ['DM2', 'Type 2 diabetes mellitus'],
      ['HTN', 'Essential hypertension'],
    ],
    procs: [['VENIPUNCT', 'Routine venipuncture']],
  },
  {
    mdm: 'moderate',
    minutes: 31,
    dx: [['HTN', 'Essential hypertension']],
    procs: [['EKG', 'Electrocardiogram']],
  },
  {
    mdm: 'straightforward',
    minutes: 12,
    dx: [['FLUVAXENC', 'Encounter for immunization']],
    procs: [
      ['VACADMIN', 'Immunization administration'],
      ['FLUVAX', 'Influenza vaccine'],
    ],
  },
  {
    mdm: 'low',
    minutes: 25,
    dx: [['STREPTHROAT', 'Streptococcal pharyngitis']],
    procs: [['STREP', 'Rapid strep test']],
  },
  {
    mdm: 'high',
    minutes: 48,
    dx: [
      ['HLD', 'Hyperlipidemia'],
      ['DM2', 'Type 2 diabetes mellitus'],
    ],
    procs: [],
  },
];
/** The E/M a clinician picks for an MDM level: [new, established]. */
const EM_BY_MDM: Record<string, [string, string]> = {
  straightforward: ['99202', '99212'],
  low: ['99203', '99213'],
  moderate: ['99204', '99214'],
  high: ['99205', '99215'],
};
/** Valid NPIs (Luhn with the 80840 prefix) for fictional clinicians. */
const RENDERING = [
  ['1245319599', 'Doctorly', 'Pat'],
  ['1679576722', 'Physicianson', 'Sam'],
] as const;

function rng(seed: number): () => number {
  // Mix the seed first (murmur3 finalizer): neighbouring indexes must not give neighbouring people.
  let s = seed >>> 0;
  s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
  s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
  s = (s ^ (s >>> 16)) >>> 0 || 1;
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

/** One segment from field numbers to values: positions are explicit, never counted pipes. */
function seg(id: string, fields: Record<number, string>): string {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const out = [id];
  for (let n = 1; n <= max; n++) out.push(fields[n] ?? '');
  return out.join('|');
}

export interface DemoMessage {
  controlId: string;
  visitNumber: string;
  text: string;
}

/** One DFT^P03 per encounter; `index` makes ids unique; the visit is dated `now` (UTC). */
export function demoDft(
  index: number,
  opts: { seed?: number; now?: Date; sendingApp?: string } = {},
): DemoMessage {
  const r = rng((opts.seed ?? 42) * 1_000_003 + index);
  const now = opts.now ?? new Date();
  const dos = now.toISOString().slice(0, 10).replace(/-/g, '');
  const ts = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const last = pick(r, LAST);
  const first = pick(r, FIRST);
  const sex = r() < 0.5 ? 'F' : 'M';
  const dob = `${1940 + Math.floor(r() * 70)}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const mrn = `DEMO${String(index).padStart(7, '0')}`;
  const visit = `V${String(index).padStart(8, '0')}`;
  const controlId = `DEMO${String(index).padStart(10, '0')}`;
  const [payerId, payerName, filing] = pick(r, PAYERS);
  const [npi, provLast, provFirst] = pick(r, RENDERING);
  const v = pick(r, VISITS);
  const established = r() < 0.8;
  const segs = [
    `MSH|^~\\&|${opts.sendingApp ?? 'DEMOEHR'}|MAPLE|CLAIMBOX|MAPLE|${ts}||DFT^P03^DFT_P03|${controlId}|P|2.5`,
    seg('EVN', { 1: 'P03', 2: ts }),
    seg('PID', {
      1: '1',
      3: `${mrn}^^^DEMOEHR^MR`,
      5: `${last}^${first}`,
      7: dob,
      8: sex,
      11: `${100 + (index % 800)} Fake Ave^^Springfield^IL^62701`,
    }),
    seg('PV1', {
      1: '1',
      2: 'O',
      3: '11^^^MAPLE',
      7: `${npi}^${provLast}^${provFirst}`,
      19: `${visit}^^^DEMOEHR^VN`,
      44: ts,
    }),
    seg('GT1', { 1: '1', 3: `${last}^${first}` }),
    seg('IN1', {
      1: '1',
      2: 'PLAN1',
      3: `${payerId}^^^PAYERID`,
      4: payerName,
      8: `GRP${1000 + (index % 50)}`,
      15: filing,
      16: `${last}^${first}`,
      17: 'SEL^Self',
      18: dob,
      36: `MEM${String(5_000_000 + index)}`,
    }),
  ];
  v.dx.forEach(([code, text], i) =>
    segs.push(seg('DG1', { 1: String(i + 1), 3: `${code}^${text}^LOCAL`, 5: ts, 6: 'F', 15: String(i + 1) })),
  );
  // The engine chooses the E/M level from MDM/time (OBX); a visit with no other procedure still
  // carries the clinician's own E/M charge, as EHRs send it, which the engine reconciles.
  const links = v.dx.map(([code, text]) => `${code}^${text}^LOCAL`).join('~');
  const em = EM_BY_MDM[v.mdm]!;
  const procs: [string, string, string][] =
    v.procs.length > 0
      ? v.procs.map(([c, t]) => [c, t, 'LOCAL'])
      : [[established ? em[1] : em[0], 'Office visit', 'CPT']];
  procs.forEach(([code, text, system], i) =>
    segs.push(
      seg('FT1', {
        1: String(i + 1),
        4: ts,
        5: dos,
        6: 'CG',
        7: `${code}^${text}^${system}`,
        10: '1',
        16: '11',
        19: links,
        20: `${npi}^${provLast}^${provFirst}`,
        25: `${code}^${text}^${system}`,
      }),
    ),
  );
  segs.push(seg('OBX', { 1: '1', 2: 'ST', 3: 'MDM^Medical decision making^LOCAL', 5: v.mdm, 11: 'F' }));
  segs.push(
    seg('OBX', { 1: '2', 2: 'NM', 3: 'TOTTIME^Total time^LOCAL', 5: String(v.minutes), 6: 'min', 11: 'F' }),
  );
  segs.push(
    seg('OBX', { 1: '3', 2: 'ST', 3: 'VISITTYPE^Visit type^LOCAL', 5: established ? 'EST' : 'NEW', 11: 'F' }),
  );
  return { controlId, visitNumber: visit, text: segs.join('\r') + '\r' };
}

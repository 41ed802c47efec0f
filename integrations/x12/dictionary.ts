// X12 5010 element attributes per segment (base standard): type, min-max length, '!' = mandatory in the
// base standard. 'C' is a composite (its components are checked by the implementation rules).
// Implementation-guide usage (required / not used / code values) sits on the loop specs (specs.ts).

export type ElType = 'AN' | 'ID' | 'N0' | 'N2' | 'R' | 'DT' | 'TM' | 'C';

export interface ElDef {
  type: ElType;
  min: number;
  max: number;
  mandatory: boolean;
}

const RAW: Record<string, string> = {
  BHT: '!ID4-4 !ID2-2 AN1-50 DT8-8 TM4-8 ID2-2',
  NM1: '!ID2-3 !ID1-1 AN1-60 AN1-35 AN1-25 AN1-10 AN1-10 ID1-2 AN2-80 ID2-2 ID2-3 AN1-60',
  N1: '!ID2-3 AN1-60 ID1-2 AN2-80 ID2-2 ID2-3',
  N3: '!AN1-55 AN1-55',
  N4: 'AN2-30 ID2-2 ID3-15 ID2-3 ID1-2 AN1-30 ID2-3',
  REF: '!ID2-3 AN1-50 AN1-80 C',
  PER: '!ID2-2 AN1-60 ID2-2 AN1-256 ID2-2 AN1-256 ID2-2 AN1-256 AN1-20',
  HL: '!AN1-12 AN1-12 !ID1-2 ID1-1',
  PRV: '!ID1-3 ID2-3 AN1-50 ID2-2 C ID1-3',
  CUR: '!ID2-3 !ID3-3 R4-10 ID2-3 ID3-3 ID1-2 ID3-3 DT8-8 TM4-8 ID3-3 DT8-8 TM4-8 ID3-3 DT8-8 TM4-8 ID3-3 DT8-8 TM4-8 ID3-3 DT8-8 TM4-8',
  SBR: '!ID1-1 ID2-2 AN1-50 AN1-60 ID1-3 ID1-1 ID1-1 ID2-2 ID1-2',
  PAT: 'ID2-2 ID1-2 ID1-1 ID1-1 ID2-3 AN1-35 ID2-2 R1-10 ID1-1',
  DMG: 'ID2-3 AN1-35 ID1-1 ID1-1 C ID1-1 ID2-3 ID1-2 AN1-15 ID2-3 ID2-3',
  CLM: '!AN1-38 R1-18 ID1-2 ID1-2 C ID1-1 ID1-1 ID1-1 ID1-1 ID1-1 C ID2-3 ID1-1 ID1-3 ID1-1 ID1-1 ID1-2 ID1-1 ID2-2 ID1-2',
  DTP: '!ID3-3 !ID2-3 !AN1-35',
  DTM: '!ID3-3 DT8-8 TM4-8 ID2-2 ID2-3 AN1-35',
  HI: '!C C C C C C C C C C C C',
  HCP: '!ID2-2 R1-18 R1-18 AN1-50 R1-9 AN1-50 R1-18 ID1-2 AN1-48 ID1-2 AN1-48 ID2-2 R1-15 ID1-2 ID1-2',
  PWK: '!ID2-2 ID1-2 N01-2 ID2-3 ID1-2 AN2-80 AN1-80 C ID1-2',
  CN1: '!ID2-2 R1-18 R1-6 AN1-50 R1-6 AN1-30',
  AMT: '!ID1-3 !R1-18 ID1-1',
  K3: '!AN1-80 ID1-2 C',
  NTE: 'ID3-3 !AN1-80',
  CR1: 'ID1-2 R1-10 ID1-1 ID1-2 ID1-2 R1-15 AN1-35 AN1-35 AN1-80 AN1-80',
  CR2: 'N01-9 R1-15 N01-3 N01-3 ID1-2 R1-15 R1-15 ID1-2 ID1-1 AN1-80 AN1-80 ID1-1',
  CR3: 'ID1-1 ID2-2 R1-15 ID1-1 AN1-80',
  CRC: '!ID2-2 !ID1-1 !ID2-3 ID2-3 ID2-3 ID2-3 ID2-3',
  LX: '!N01-6',
  SV1: '!C !R1-18 ID2-2 R1-15 AN1-2 ID1-2 C R1-18 ID1-1 ID1-1 ID1-1 ID1-1 AN1-50 ID1-1 ID1-1 ID1-1 ID1-1 ID1-2 ID1-1 ID1-2 ID1-1',
  SV3: '!C !R1-18 AN1-2 C ID1-1 R1-15 AN1-80 AN1-80 ID1-1 ID1-1 C',
  SV5: '!C !ID2-2 !R1-15 R1-18 R1-18 ID1-1 ID1-1',
  TOO: 'ID1-3 AN1-30 C',
  QTY: '!ID2-2 R1-15 C AN1-30',
  MEA: 'ID2-2 ID1-3 R1-20 C R1-20 R1-20 ID1-2 AN1-30 ID1-2 ID1-1',
  PS1: '!AN1-50 !R1-18 ID2-2',
  LIN: 'AN1-20 !ID2-2 !AN1-48 ID2-2 AN1-48',
  CTP: 'ID2-2 ID3-3 R1-17 R1-15 C ID3-3 R1-10 R1-15 AN1-80 ID2-3 AN1-20',
  DN1: 'R1-15 R1-15 ID1-1 AN1-80',
  DN2: '!AN1-50 !ID1-2 R1-15 ID2-3 AN1-35 ID1-3',
  OI: 'ID1-2 ID1-2 ID1-1 ID1-1 ID1-1 ID1-1',
  MOA: 'R1-10 R1-18 AN1-50 AN1-50 AN1-50 AN1-50 AN1-50 R1-18 R1-15',
  MIA: '!R1-15 R1-18 R1-15 R1-18 AN1-50 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-15 R1-18 R1-18 R1-18 R1-18 AN1-50 AN1-50 AN1-50 AN1-50 R1-18',
  SVD: '!AN2-80 !R1-18 C AN1-48 R1-15 N01-6',
  CAS: '!ID1-2 !ID1-5 !R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15',
  LQ: 'ID1-3 !AN1-30',
  FRM: '!AN1-20 ID1-1 AN1-50 DT8-8 R1-6',
  AK1: '!ID2-2 !N01-9 AN1-12',
  AK2: '!ID3-3 !AN4-9 AN1-35',
  IK3: '!ID2-3 !N01-10 AN1-6 !ID1-3',
  IK4: '!C N01-4 !ID1-3 AN1-99',
  IK5: '!ID1-1 ID1-3 ID1-3 ID1-3 ID1-3 ID1-3',
  AK9: '!ID1-1 !N01-6 !N01-6 !N01-6 ID1-3 ID1-3 ID1-3 ID1-3 ID1-3',
  CTX: '!C ID2-3 N01-10 AN1-6 C C',
  TRN: '!ID1-2 !AN1-50 AN10-10 AN1-50',
  STC: '!C DT8-8 ID1-2 R1-18 R1-18 DT8-8 ID1-2 DT8-8 AN1-16 C C AN1-264',
  BPR: '!ID1-2 !R1-18 !ID1-1 !ID3-3 ID1-10 ID2-2 AN3-12 ID1-3 AN1-35 AN10-10 AN9-9 ID2-2 AN3-12 ID1-3 AN1-35 DT8-8 ID1-2 ID2-2 AN3-12 ID1-3 AN1-35',
  RDM: '!ID1-2 AN1-60 AN1-256 C C',
  TS3: '!AN1-50 !ID1-2 !DT8-8 !R1-15 !R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-15 R1-18',
  TS2: 'R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-15 R1-18 R1-15 R1-18 R1-15 R1-15 R1-15 R1-15 R1-18 R1-18 R1-18 R1-18 R1-18',
  CLP: '!AN1-38 !ID1-2 !R1-18 !R1-18 R1-18 ID1-2 AN1-50 AN1-2 ID1-1 ID1-2 AN1-30 R1-10 R1-15 ID1-1',
  SVC: '!C !R1-18 R1-18 AN1-48 R1-15 C R1-15',
  PLB: '!AN1-50 !DT8-8 !C !R1-18 C R1-18 C R1-18 C R1-18 C R1-18 C R1-18',
  ST: '!ID3-3 !AN4-9 AN1-35',
  SE: '!N01-10 !AN4-9',
};

const TYPES: Record<ElType, ElType> = {
  AN: 'AN',
  ID: 'ID',
  N0: 'N0',
  N2: 'N2',
  R: 'R',
  DT: 'DT',
  TM: 'TM',
  C: 'C',
};

const RE = /^(!?)(AN|ID|N0|N2|R|DT|TM|C)(?:(\d+)-(\d+))?$/;

function parse(spec: string): ElDef[] {
  return spec.split(' ').map((tok) => {
    const m = RE.exec(tok);
    if (!m) throw new Error(`bad element spec ${tok}`);
    // The literal, not the regex capture: the validator compares types per element, and literals compare by pointer.
    const type = TYPES[m[2] as ElType];
    return { type, min: Number(m[3] ?? 0), max: Number(m[4] ?? 0), mandatory: m[1] === '!' };
  });
}

export const DICTIONARY: Record<string, ElDef[]> = Object.fromEntries(
  Object.entries(RAW).map(([k, v]) => [k, parse(v)]),
);

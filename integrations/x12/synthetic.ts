// Synthetic claims for tests and the bench: obviously fake people, valid-looking NPIs (Luhn with the
// 80840 prefix), deterministic by seed. Never real data.
import type { Claim, ClaimLine, Coverage } from '../../appliance/domain/types.js';
import type { Envelope837 } from './types.js';

/** Append the NPI check digit (Luhn over '80840' + the first nine digits). */
export function npiWithCheckDigit(nine: string): string {
  const digits = `80840${nine}`;
  let sum = 0;
  for (let i = digits.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return nine + String((10 - (sum % 10)) % 10);
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const LAST = ['Testperson', 'Sampleton', 'Fakename', 'Demoson', 'Mockwell', 'Placeholder'];
const FIRST = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'];
const CPT = ['99213', '99214', '87880', '36415', '93000', '90471'];
const CDT = ['D0120', 'D1110', 'D2391', 'D2392', 'D0274', 'D1208'];
const ICD = ['J069', 'R509', 'Z0000', 'E119', 'I10', 'M545', 'K0251', 'K0252'];

export const BILLING: Claim['billing'] = {
  name: 'Example Family Practice',
  npi: npiWithCheckDigit('123456789'),
  taxId: '990000001',
  taxonomy: '207Q00000X',
  address: { line1: '100 Sample Street', city: 'Springfield', state: 'IL', zip: '627010001' },
  contactName: 'Billing Office',
  contactPhone: '5555550100',
};

export function syntheticClaim(kind: 'medical' | 'dental', i: number, seed = 1): Claim {
  const r = rng(seed * 7919 + i + 1);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const dental = kind === 'dental';
  const self = r() < 0.6;
  const rel: Coverage['relationship'] = self ? 'self' : pick(['spouse', 'child', 'other'] as const);
  const patient = {
    lastName: pick(LAST),
    firstName: pick(FIRST),
    dob: `19${50 + Math.floor(r() * 49)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`,
    sex: pick(['M', 'F'] as const),
    address: {
      line1: `${1 + Math.floor(r() * 999)} Elm Lane`,
      city: 'Springfield',
      state: 'IL',
      zip: '62701',
    },
    mrn: dental ? '' : `MRN${100000 + i}`,
  };
  const coverage: Coverage = {
    order: 1,
    payerId: pick(['60054', '87726', '62308']),
    payerName: pick(['Sample Health Plan', 'Demo Mutual', 'Example Assurance']),
    memberId: `XM${10000000 + i}`,
    groupNumber: r() < 0.7 ? `GRP${100 + Math.floor(r() * 900)}` : undefined,
    filingIndicator: 'CI',
    relationship: rel,
  };
  if (!coverage.groupNumber) delete coverage.groupNumber;
  if (!self) {
    coverage.subscriber = {
      lastName: patient.lastName,
      firstName: pick(FIRST),
      dob: '1970-05-05',
      sex: 'F',
      address: patient.address,
    };
  }
  const nDx = 1 + Math.floor(r() * (dental ? 2 : 4));
  const diagnoses = Array.from({ length: nDx }, () => pick(ICD)).filter((d, k, a) => a.indexOf(d) === k);
  const nLines = 1 + Math.floor(r() * 4);
  const dos = `2026-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`;
  const lines: ClaimLine[] = [];
  for (let k = 0; k < nLines; k++) {
    const line: ClaimLine = {
      lineNumber: k + 1,
      code: pick(dental ? CDT : CPT),
      modifiers: !dental && r() < 0.3 ? ['25'] : [],
      units: 1 + Math.floor(r() * 2),
      chargeCents: 1000 + Math.floor(r() * 30000),
      diagnosisPointers: diagnoses.slice(0, Math.min(diagnoses.length, 4)).map((_, j) => j + 1),
      dateOfService: dental && r() < 0.3 ? `2026-10-1${k}` : dos,
    };
    if (dental && line.code.startsWith('D23')) {
      line.tooth = String(1 + Math.floor(r() * 32));
      line.surfaces = pick(['MO', 'O', 'MOD', 'DO']);
    }
    if (dental && line.code === 'D1110' && r() < 0.5) line.area = pick(['UR', 'UL', 'LL', 'LR']);
    lines.push(line);
  }
  const claim: Claim = {
    kind,
    patientControlNumber: `PCN${String(seed).padStart(3, '0')}${String(i).padStart(7, '0')}`,
    frequency: '1',
    billing: BILLING,
    rendering: {
      npi: npiWithCheckDigit('987654321'),
      lastName: 'Clinician',
      firstName: 'Casey',
      taxonomy: dental ? '1223G0001X' : '207Q00000X',
    },
    patient,
    coverage,
    placeOfService: '11',
    diagnoses,
    lines,
    totalChargeCents: lines.reduce((a, l) => a + l.chargeCents, 0),
  };
  if (r() < 0.2) claim.priorAuthorization = `AUTH${i}`;
  if (r() < 0.1) {
    claim.frequency = r() < 0.5 ? '7' : '8';
    claim.originalClaimNumber = `PAYERCLM${i}`;
  }
  if (r() < 0.15)
    claim.facility = {
      name: 'Example Outpatient Center',
      npi: npiWithCheckDigit('555555555'),
      address: { line1: '200 Clinic Road', city: 'Springfield', state: 'IL', zip: '627020002' },
    };
  if (r() < 0.1)
    claim.referring = {
      npi: npiWithCheckDigit('111111111'),
      lastName: 'Referrer',
      firstName: 'Riley',
      // The 837P has no PRV in 2310A, so only dental referrals carry a taxonomy through a round trip.
      ...(dental ? { taxonomy: '122300000X' } : {}),
    };
  return claim;
}

export function syntheticClaims(kind: 'medical' | 'dental', n: number, seed = 1): Claim[] {
  return Array.from({ length: n }, (_, i) => syntheticClaim(kind, i, seed));
}

export function syntheticEnvelope(overrides: Partial<Envelope837> = {}): Envelope837 {
  return {
    senderId: 'CLAIMBOXTEST',
    receiverId: 'SANDBOXCH',
    receiverName: 'Sandbox Clearinghouse',
    submitterName: 'Example Family Practice',
    submitterContact: { name: 'Billing Office', phone: '5555550100' },
    isaControl: 101,
    gsControl: 101,
    stStart: 1,
    testMode: true,
    now: new Date(Date.UTC(2026, 10, 2, 9, 30)),
    ...overrides,
  };
}

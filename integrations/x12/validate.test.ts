import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntheticClaims, syntheticEnvelope } from './synthetic.js';
import type { Separators } from './types.js';
import { npiValid, validateX12 } from './validate.js';
import { write837 } from './write-837.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/x12/${name}`, import.meta.url), 'utf8');

/** A one-segment-per-line 837P we can edit by line, with SE01 recounted after an edit. */
function lines837(kind: 'medical' | 'dental' = 'medical', n = 3, seed = 11): string[] {
  const nl: Separators = { element: '*', component: ':', repetition: '^', segment: '~\n' };
  return write837(syntheticClaims(kind, n, seed), syntheticEnvelope({ separators: nl }))
    .trimEnd()
    .split('\n');
}
function recount(ls: string[]): string {
  const st = ls.findIndex((l) => l.startsWith('ST*'));
  const se = ls.findIndex((l) => l.startsWith('SE*'));
  ls[se] = ls[se]!.replace(/^SE\*\d+/, `SE*${se - st + 1}`);
  return ls.join('\n') + '\n';
}
const codes = (text: string) => validateX12(text).errors.map((e) => e.code);
function edit(
  ls: string[],
  prefix: string | RegExp,
  fn: (l: string) => string | undefined,
  nth = 0,
): string[] {
  const out = [...ls];
  const hits = out.flatMap((l, i) =>
    (typeof prefix === 'string' ? l.startsWith(prefix) : prefix.test(l)) ? [i] : [],
  );
  const i = hits[nth];
  if (i === undefined) throw new Error(`no line ${String(prefix)}`);
  const v = fn(out[i]!);
  if (v === undefined) out.splice(i, 1);
  else out[i] = v;
  return out;
}

describe('validateX12 accepts what we write', () => {
  it('every generated 837P/837D batch validates, across seeds, sizes, ST splits and separators', () => {
    const seps: (Separators | undefined)[] = [
      undefined,
      { element: '*', component: ':', repetition: '^', segment: '~\n' },
      { element: '|', component: '>', repetition: '!', segment: "'" },
      { element: '^', component: '\\', repetition: '{', segment: '~\r\n' },
    ];
    for (let seed = 1; seed <= 40; seed++) {
      for (const kind of ['medical', 'dental'] as const) {
        const claims = syntheticClaims(kind, 1 + ((seed * 7) % 23), seed);
        const env = syntheticEnvelope({
          separators: seps[seed % 4],
          claimsPerSt: 1 + (seed % 9),
          testMode: seed % 2 === 0,
          isaControl: seed,
          gsControl: seed,
        });
        const r = validateX12(write837(claims, env));
        expect(r.errors, `${kind} seed ${seed}`).toEqual([]);
      }
    }
  });

  it('golden fixtures and the 835/277CA fixtures validate', () => {
    for (const f of [
      'golden-837p.x12',
      'golden-837d.x12',
      'golden-837p-oneline-odd.x12',
      '835-realistic.x12',
      '277ca-mixed.x12',
    ])
      expect(validateX12(fixture(f)).errors, f).toEqual([]);
  });

  it('one-line, LF and CRLF layouts of the same file all validate', () => {
    const one = write837(syntheticClaims('medical', 5, 3), syntheticEnvelope());
    expect(validateX12(one).ok).toBe(true);
    expect(validateX12(one.replaceAll('~', '~\n')).ok).toBe(true);
    expect(validateX12(one.replaceAll('~', '~\r\n')).ok).toBe(true);
    expect(validateX12('\uFEFF' + one).ok).toBe(true);
  });
});

describe('validateX12 rejects a corpus of broken files with the right message', () => {
  const base = lines837();
  const cases: [string, () => string, string, string?][] = [
    [
      'wrong SE01 count',
      () => edit(base, 'SE*', (l) => l.replace(/^SE\*\d+/, 'SE*7')).join('\n'),
      'X12_SE_COUNT',
      'SE01',
    ],
    [
      'SE02 not ST02',
      () => edit(base, 'SE*', (l) => l.replace(/\*0001~$/, '*0002~')).join('\n'),
      'X12_SE_CONTROL',
      'SE02',
    ],
    [
      'wrong GE01 count',
      () => edit(base, 'GE*', (l) => l.replace('GE*1', 'GE*2')).join('\n'),
      'X12_GE_COUNT',
      'GE01',
    ],
    [
      'GE02 not GS06',
      () => edit(base, 'GE*', (l) => l.replace('*101~', '*102~')).join('\n'),
      'X12_GE_CONTROL',
      'GE02',
    ],
    [
      'wrong IEA01 count',
      () => edit(base, 'IEA*', (l) => l.replace('IEA*1', 'IEA*3')).join('\n'),
      'X12_IEA_COUNT',
      'IEA01',
    ],
    [
      'IEA02 not ISA13',
      () => edit(base, 'IEA*', (l) => l.replace('000000101', '000000999')).join('\n'),
      'X12_IEA_CONTROL',
      'IEA02',
    ],
    [
      'ISA sender id not 15 wide',
      () => edit(base, 'ISA*', (l) => l.replace('CLAIMBOXTEST   ', 'CLAIMBOXTEST  ')).join('\n'),
      'X12_ISA_WIDTH',
    ],
    ['missing 2010BB payer loop', () => recount(edit(base, 'NM1*PR*', () => undefined)), 'X12_MISSING_LOOP'],
    ['missing N4 in 2010AA', () => recount(edit(base, 'N4*', () => undefined)), 'X12_MISSING_SEGMENT'],
    [
      'missing 2400 service lines',
      () => {
        const clm = base.findIndex((l) => l.startsWith('CLM*'));
        const next = base.findIndex((l, i) => i > clm && l.startsWith('HL*'));
        return recount(base.filter((l, i) => !(i > clm && i < next && /^(LX|SV1|DTP)\*/.test(l))));
      },
      'X12_MISSING_LOOP',
    ],
    [
      'HL04 says a child follows but none does',
      () => edit(base, /^HL\*\d+\*1\*22\*0/, (l) => l.replace(/\*0~$/, '*1~')).join('\n'),
      'X12_HL_CHILD',
      'HL04',
    ],
    [
      'HL parent that does not exist',
      () => edit(base, /^HL\*2\*/, (l) => l.replace('HL*2*1*', 'HL*2*9*')).join('\n'),
      'X12_HL_PARENT',
      'HL02',
    ],
    [
      'HL04 says no child but a child follows',
      () => edit(base, 'HL*1**20*1', (l) => l.replace('20*1', '20*0')).join('\n'),
      'X12_BAD_CODE',
    ],
    [
      'HL ids out of sequence',
      () => edit(base, /^HL\*2\*/, (l) => l.replace('HL*2*', 'HL*5*')).join('\n'),
      'X12_HL_SEQUENCE',
      'HL01',
    ],
    [
      'bad SBR09 filing code',
      () => edit(base, 'SBR*', (l) => l.replace(/\*CI~$/, '*QQ~')).join('\n'),
      'X12_BAD_CODE',
      'SBR09',
    ],
    [
      'bad CLM05-2 facility qualifier',
      () => edit(base, 'CLM*', (l) => l.replace(':B:', ':A:')).join('\n'),
      'X12_BAD_CODE',
      'CLM05-2',
    ],
    [
      'bad place of service',
      () => edit(base, 'CLM*', (l) => l.replace('*11:B:', '*98:B:')).join('\n'),
      'X12_BAD_POS',
      'CLM05-1',
    ],
    [
      'bad DMG gender code',
      () => edit(base, 'DMG*', (l) => l.replace(/\*[MF]~$/, '*X~')).join('\n'),
      'X12_BAD_CODE',
      'DMG03',
    ],
    [
      'bad billing NPI check digit',
      () => edit(base, 'NM1*85*', (l) => l.replace('1234567893', '1234567890')).join('\n'),
      'X12_BAD_NPI',
      'NM109',
    ],
    [
      'CLM02 not the sum of lines',
      () => edit(base, 'CLM*', (l) => l.replace(/^(CLM\*[^*]+\*)[^*]+/, '$19999.99')).join('\n'),
      'X12_CLM02_SUM',
      'CLM02',
    ],
    [
      'CLM01 longer than 20',
      () => edit(base, 'CLM*', (l) => l.replace(/^CLM\*[^*]+/, 'CLM*ABCDEFGHIJKLMNOPQRSTU')).join('\n'),
      'X12_CLM01_LENGTH',
      'CLM01',
    ],
    [
      'impossible service date',
      () => edit(base, /^DTP\*472/, (l) => l.replace(/\d{8}~$/, '20260231~')).join('\n'),
      'X12_BAD_DATE',
      'DTP03',
    ],
    [
      'segment out of order (DTP before SV1)',
      () => {
        const i = base.findIndex((l) => l.startsWith('SV1*'));
        const ls = [...base];
        [ls[i], ls[i + 1]] = [ls[i + 1]!, ls[i]!];
        return ls.join('\n');
      },
      'X12_MISSING_SEGMENT',
    ],
    ['unknown segment', () => recount(edit(base, 'CLM*', (l) => `${l}\nZZZ*1~`)), 'X12_UNEXPECTED_SEGMENT'],
    [
      'bad REF qualifier in 2300',
      () => edit(base, 'HI*', (l) => `REF*QQ*X~\n${l}`).join('\n'),
      'X12_BAD_QUALIFIER',
    ],
    [
      'diagnosis pointer to a missing code',
      () => edit(base, 'SV1*', (l) => l.replace(/\*[\d:]+~$/, '*9~')).join('\n'),
      'X12_POINTERS',
      'SV107',
    ],
    [
      'replacement claim without REF*F8',
      () => edit(base, 'CLM*', (l) => l.replace(/:B:\d/, ':B:7')).join('\n'),
      'X12_MISSING_F8',
      'CLM05-3',
    ],
    [
      'trailing element separator',
      () => edit(base, 'N3*', (l) => l.replace('~', '*~')).join('\n'),
      'X12_TRAILING_SEPARATOR',
    ],
    ['unterminated last segment', () => base.join('\n').replace(/~$/, ''), 'X12_UNTERMINATED'],
    [
      'element too long',
      () => edit(base, 'N4*', (l) => l.replace(/^N4\*[^*]+/, `N4*${'X'.repeat(31)}`)).join('\n'),
      'X12_TOO_LONG',
      'N401',
    ],
    [
      'not numeric where R is required',
      () => edit(base, 'SV1*', (l) => l.replace(/^(SV1\*[^*]+\*)[^*]+/, '$1ten')).join('\n'),
      'X12_BAD_DECIMAL',
      'SV102',
    ],
    [
      'billing ZIP not nine digits',
      () => edit(base, 'N4*', (l) => l.replace('627010001', '62701')).join('\n'),
      'X12_ZIP9',
      'N403',
    ],
    [
      'billing address is a PO box',
      () => edit(base, 'N3*', () => 'N3*PO BOX 12~').join('\n'),
      'X12_BILLING_PO_BOX',
      'N301',
    ],
    [
      'EIN with a dash',
      () => edit(base, 'REF*EI*', () => 'REF*EI*99-0000001~').join('\n'),
      'X12_BAD_EIN',
      'REF02',
    ],
    [
      'ISA15 not T or P',
      () => edit(base, 'ISA*', (l) => l.replace('*T*:', '*X*:')).join('\n'),
      'X12_ISA_VALUE',
      'ISA15',
    ],
    [
      'GS08 and ST03 disagree',
      () => edit(base, 'ST*', (l) => l.replace('005010X222A1', '005010X224A2')).join('\n'),
      'X12_ST_VERSION',
      'ST03',
    ],
  ];
  for (const [name, make, code, field] of cases) {
    it(`${name}: ${code}`, () => {
      const r = validateX12(make());
      expect(r.ok).toBe(false);
      const hit = r.errors.find((e) => e.code === code && (!field || (e.field ?? '').startsWith(field)));
      expect(hit, JSON.stringify(r.errors.slice(0, 5))).toBeDefined();
      expect(hit!.message).toMatch(/^segment \d+ \(/);
      expect(hit!.position).toBeGreaterThan(0);
    });
  }

  it('delimiters that collide are rejected', () => {
    const text = write837(
      syntheticClaims('medical', 1),
      syntheticEnvelope({ separators: { element: '*', component: '*', repetition: '^', segment: '~' } }),
    );
    expect(codes(text)).toContain('X12_DELIMITERS');
  });

  it('not an X12 file at all', () => {
    expect(codes('hello world')).toContain('X12_NO_ISA');
  });

  it('837D: tooth number and CDT code are checked', () => {
    const d = lines837('dental', 6, 4);
    const withToo = d.findIndex((l) => l.startsWith('TOO*'));
    expect(withToo).toBeGreaterThan(0);
    const bad = [...d];
    bad[withToo] = bad[withToo]!.replace(/^TOO\*JP\*\w+/, 'TOO*JP*99');
    expect(codes(bad.join('\n'))).toContain('X12_BAD_TOOTH');
    const badSurface = [...d];
    badSurface[withToo] = badSurface[withToo]!.replace(/\*[A-Z:]+~$/, '*M:Q~');
    expect(codes(badSurface.join('\n'))).toContain('X12_BAD_CODE');
    expect(codes(edit(d, 'SV3*', (l) => l.replace('AD:D', 'AD:X')).join('\n'))).toContain('X12_BAD_CDT');
  });

  it('835 that does not balance is rejected at transaction, claim and line level', () => {
    const ok = fixture('835-realistic.x12');
    expect(codes(ok.replace('BPR*I*63.25', 'BPR*I*64.25'))).toContain('X12_835_BPR_BALANCE');
    const c = codes(ok.replace('CAS*CO*45*10.00', 'CAS*CO*45*11.00'));
    expect(c).toContain('X12_835_CLAIM_BALANCE');
    expect(c).toContain('X12_835_SVC_BALANCE');
    expect(codes(ok.replace('CLP*PCN0010000002*4', 'CLP*PCN0010000002*9'))).toContain('X12_BAD_CODE');
    expect(codes(ok.replace('CAS*PR*3*10.00', 'CAS*XX*3*10.00'))).toContain('X12_BAD_CODE');
  });

  it('277CA missing its claim TRN is rejected', () => {
    const t = fixture('277ca-mixed.x12').replace('TRN*2*PCN0010000001~\n', '').replace('SE*32*', 'SE*31*');
    expect(codes(t)).toContain('X12_MISSING_LOOP');
  });
});

describe('validateX12 interchange acknowledgments and guide situational rules', () => {
  it('TA1 alone in an interchange (IEA01 = 0) is accepted', () => {
    expect(validateX12(fixture('ta1-rejected.x12'))).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('TA1 ahead of the functional groups is accepted; after one it is refused', () => {
    const ta1 = 'TA1*000000301*260105*0900*A*000~';
    const withGroups = fixture('999-two-groups.x12');
    const first = withGroups.indexOf('GS*');
    expect(validateX12(withGroups.slice(0, first) + ta1 + '\n' + withGroups.slice(first)).errors).toEqual([]);
    const iea = withGroups.indexOf('IEA*');
    const late = validateX12(withGroups.slice(0, iea) + ta1 + '\n' + withGroups.slice(iea));
    expect(late.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/\(TA1\): TA1 after a functional group/),
    ]);
  });

  it('TA1 with a bad element names it: TA104 code, TA105 note, TA101-TA103 formats, a missing element', () => {
    const bad = (from: string, to: string) =>
      validateX12(fixture('ta1-rejected.x12').replace(from, to)).errors.map((e) => `${e.code} ${e.field}`);
    expect(bad('*R*024', '*Q*024')).toEqual(['X12_BAD_CODE TA104']);
    expect(bad('*R*024', '*R*039')).toEqual(['X12_BAD_CODE TA105']);
    expect(bad('TA1*000000301*260105*0900', 'TA1*301*261305*2500')).toEqual([
      'X12_BAD_NUMBER TA101',
      'X12_BAD_DATE TA102',
      'X12_BAD_TIME TA103',
    ]);
    expect(bad('*R*024', '*R')).toEqual(['X12_REQUIRED_ELEMENT TA105']);
  });

  it('835 without ST03 is accepted (X221A1 marks it Not Used); a wrong ST03 is still refused', () => {
    const ok = fixture('835-realistic.x12');
    expect(validateX12(ok.replace('ST*835*0001*005010X221A1', 'ST*835*0001')).errors).toEqual([]);
    expect(codes(ok.replace('ST*835*0001*005010X221A1', 'ST*835*0001*005010X221'))).toContain(
      'X12_ST_VERSION',
    );
  });

  it('277CA provider level HL with HL04 = 0 and no patient below it is accepted (X214 scenario 4)', () => {
    const t = fixture('277ca-provider-rejected.x12');
    expect(t).toContain('HL*5*2*19*0');
    expect(validateX12(t).errors).toEqual([]);
    expect(codes(t.replace('HL*5*2*19*0', 'HL*5*2*19*1'))).toContain('X12_HL_CHILD');
  });
});

describe('npiValid', () => {
  it('Luhn with the 80840 prefix: accepts the CMS example, rejects a changed digit', () => {
    expect(npiValid('1234567893')).toBe(true);
    expect(npiValid('1234567890')).toBe(false);
    expect(npiValid('123456789')).toBe(false);
  });
});

describe('broken fixture corpus (test/fixtures/x12/broken)', () => {
  const manifest = JSON.parse(fixture('broken/manifest.json')) as Record<
    string,
    { code: string; why: string }
  >;
  for (const [file, { code, why }] of Object.entries(manifest)) {
    it(`${file} is rejected with ${code} (${why})`, () => {
      const r = validateX12(fixture(`broken/${file}`));
      expect(r.ok).toBe(false);
      expect(r.errors.map((e) => e.code)).toContain(code);
    });
  }
});

describe('validateX12 element positions', () => {
  it('CLM20 delay reason code 1 and CLM12 special program are accepted where the guide allows them', () => {
    const t = write837(syntheticClaims('medical', 1, 2), syntheticEnvelope());
    const withDelay = t.replace(/(CLM\*[^~]*\*Y\*A\*Y\*Y)~/, '$1***02********1~');
    expect(withDelay).not.toBe(t);
    expect(validateX12(withDelay).errors).toEqual([]);
  });
});

describe('validateX12 characters', () => {
  it('a control character inside an element is rejected; a control-character delimiter is not', () => {
    const t = write837(syntheticClaims('medical', 1), syntheticEnvelope());
    expect(codes(t.replace('Springfield', 'Spring\x07field'))).toContain('X12_BAD_CHARACTER');
    const odd = write837(
      syntheticClaims('medical', 2),
      syntheticEnvelope({
        separators: { element: '\x1d', component: '\x1f', repetition: '\x1e', segment: '\x1c' },
      }),
    );
    expect(validateX12(odd).errors).toEqual([]);
  });

  // Segments their regex matched are not searched (the regexes admit no control character); these are
  // the places that are: envelope segments, segments the regex turned down, and after the last segment.
  it('finds control characters in envelope segments, in segments with other findings and after the last segment, first among the findings', () => {
    const t = write837(syntheticClaims('medical', 1), syntheticEnvelope());
    const bad = (text: string) =>
      validateX12(text)
        .errors.filter((e) => e.code === 'X12_BAD_CHARACTER')
        .map((e) => e.message);
    expect(bad(t.replace('GS*HC*', 'GS*HC\x01*'))).toEqual([
      'segment 2 (GS): contains control character 0x01',
    ]);
    expect(bad(`${t}\x0c\n`)).toEqual([
      `segment ${t.split('~').length - 1} (IEA): contains control character 0x0c`,
    ]);
    // A bad state code (the regex does not match) and a control character in the same N4.
    const both = validateX12(t.replace('*Springfield*IL*', '*Spring\x7ffield*I1*'));
    expect(both.errors.map((e) => e.code)).toEqual(['X12_BAD_CHARACTER', 'X12_BAD_CODE']);
    expect(both.errors[0]!.message).toMatch(/^segment \d+ \(N4\): contains control character 0x7f$/);
  });

  it('reports at most 20 control characters, in file order', () => {
    const t = write837(syntheticClaims('medical', 30), syntheticEnvelope());
    const r = validateX12(t.replaceAll('*Springfield*', '*Spring\x02field*'));
    const found = r.errors.filter((e) => e.code === 'X12_BAD_CHARACTER');
    expect(found).toHaveLength(20);
    expect(r.errors.slice(0, 20)).toEqual(found);
    const at = found.map((e) => e.position!);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

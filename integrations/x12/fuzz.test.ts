import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { build999 } from './ack999.js';
import { read837 } from './read-837.js';
import { read277CA, read835, read999 } from './read-acks.js';
import { syntheticClaims, syntheticEnvelope } from './synthetic.js';
import type { Separators } from './types.js';
import { validateX12 } from './validate.js';
import { write837 } from './write-837.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/x12/${name}`, import.meta.url), 'utf8');

function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

describe('bad input is data, never an exception', () => {
  it('validator, readers and build999 survive random segment deletions, duplications and byte flips', () => {
    const sources = [
      write837(syntheticClaims('medical', 6, 8), syntheticEnvelope()),
      write837(syntheticClaims('dental', 6, 8), syntheticEnvelope()),
      fixture('835-realistic.x12'),
      fixture('277ca-mixed.x12'),
    ];
    const r = rng(7);
    for (let round = 0; round < 100; round++) {
      const src = sources[round % sources.length]!;
      const segs = src.split('~');
      const kind = Math.floor(r() * 4);
      const i = Math.floor(r() * segs.length);
      if (kind === 0) segs.splice(i, 1);
      else if (kind === 1) segs.splice(i, 0, segs[i] ?? '');
      else if (kind === 2)
        segs[i] = (segs[i] ?? '')
          .split('*')
          .slice(0, 1 + Math.floor(r() * 4))
          .join('*');
      let text = segs.join('~');
      if (kind === 3) {
        const at = Math.floor(r() * text.length);
        text = text.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 90)) + text.slice(at + 1);
      }
      expect(() => {
        const v = validateX12(text);
        expect(typeof v.ok).toBe('boolean');
        read837(text);
        read835(text);
        read277CA(text);
        read999(text);
        build999(text);
      }).not.toThrow();
    }
  });

  it('empty, tiny and non-X12 inputs give diagnostics', () => {
    for (const text of ['', 'ISA', '~~~~', 'ISA*00*'.padEnd(120, '*'), '\uFEFF\r\n']) {
      expect(validateX12(text).ok).toBe(false);
      expect(read837(text).diagnostics.length).toBeGreaterThan(0);
      expect(read835(text).value).toBeUndefined();
    }
  });
});

describe('findings on damaged files are pinned', () => {
  // The validator and reader work on text offsets for speed; these recorded findings (taken before that
  // rewrite and unchanged by it) keep every code, message, position and their order from drifting.
  it('validator and 837 reader give the recorded diagnostics for seeded segment and element damage', () => {
    const sources = [
      write837(syntheticClaims('medical', 3, 5), syntheticEnvelope()),
      write837(syntheticClaims('dental', 3, 5), syntheticEnvelope()),
    ];
    const values = ['', 'ZZ', '99', '-1.5', '1.2.3', '20261399', 'ABK:J069', 'A'.repeat(90), '11:B:8', 'XX'];
    const r = rng(11);
    const lines: string[] = [];
    for (let round = 0; round < 60; round++) {
      const segs = sources[round % sources.length]!.split('~');
      const i = Math.floor(r() * segs.length);
      const kind = Math.floor(r() * 4);
      if (kind === 0) segs.splice(i, 1);
      else if (kind === 1) segs.splice(i, 0, segs[i] ?? '');
      else {
        const el = (segs[i] ?? '').split('*');
        el[1 + Math.floor(r() * (el.length + 1))] = values[Math.floor(r() * values.length)]!;
        segs[i] = Array.from(el, (v) => v ?? '').join('*');
      }
      const text = segs.join('~');
      const v = validateX12(text);
      const read = read837(text);
      lines.push(
        `#${round} ${v.ok ? 'ok' : 'bad'}`,
        ...[...v.errors, ...v.warnings].map((d) => `${d.severity} ${d.code} ${d.field ?? ''} ${d.message}`),
        ...read.diagnostics.map((d) => `read ${d.code} ${d.position ?? ''} ${d.message}`),
        `read claims ${read.value?.claims.length ?? 0}`,
      );
    }
    expect(lines.join('\n')).toMatchSnapshot();
  });
});

describe('validator findings over a seeded corpus are pinned', () => {
  /** Every file under test/fixtures/x12, by path relative to it. */
  function fixtures(dir = new URL('../../test/fixtures/x12/', import.meta.url), at = ''): [string, string][] {
    const out: [string, string][] = [];
    for (const name of readdirSync(dir).sort()) {
      const url = new URL(name, dir);
      if (statSync(url).isDirectory()) out.push(...fixtures(new URL(`${name}/`, dir), `${at}${name}/`));
      else if (!name.endsWith('.json')) out.push([`${at}${name}`, readFileSync(url, 'utf8')]);
    }
    return out;
  }
  const SEPARATORS: (Separators | undefined)[] = [
    undefined,
    { element: '*', component: ':', repetition: '^', segment: '~\n' },
    { element: '|', component: '>', repetition: '!', segment: '~' },
    { element: '+', component: ':', repetition: '^', segment: "'\r\n" },
    { element: '*', component: '\\', repetition: '{', segment: '\n' },
  ];
  /** Values that break type, length, code, date, pointer and separator rules (':' and '^' become the file's). */
  const ODD = [
    ...['', ' ', 'ZZ', '99', '0', '-1.5', '1.2.3', '.5', '-', '20261399', '20260229', '20240229', '2461'],
    ...['12345678-12345677', '20260101-20260102', 'ABK:J069', 'BK:4019', 'ABF:Q', 'A'.repeat(90)],
    ...['9'.repeat(30), '11:B:8', '11:B:7', '11::1', 'XX', 'XX:', 'D8', 'RD8', '18', '1', '22', '23', 'PT'],
    ...['x\u0001y', '\u00e9', 'P O BOX 12', '12-3456789', '62701', '6270', 'il', 'D0120', 'AS', '33'],
    ...['1:2:3:4:5', '1:1', '0:9', 'a^b', 'F8', 'EI', '472', 'ABC:DEF:GHI'],
  ];
  const IDS = ['HL', 'CLM', 'LX', 'SV1', 'SV3', 'NM1', 'REF', 'DTP', 'XYZ', 'SE', 'ST', 'GE', 'GS', 'IEA'];
  IDS.push('ISA', 'TA1', 'HI', 'TOO', 'N3', 'N4', 'SBR', 'CLP', 'SVC', 'CAS', 'PLB', 'AK2', 'IK5', 'AK9', '');

  /** `src` with 1-4 seeded edits: segments deleted, doubled, swapped, moved; elements emptied, grown, replaced. */
  function mutate(src: string, r: () => number): string {
    const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
    const [el, rep, comp, term] = [src[3]!, src[82]!, src[104]!, src[105]!];
    const after = src.slice(106, 108);
    const segSep = after.startsWith('\r\n')
      ? `${term}\r\n`
      : after[0] === '\n' && term !== '\n'
        ? `${term}\n`
        : term;
    let segs = src.split(segSep);
    const tail = segs.length > 1 && segs[segs.length - 1]!.trim() === '' ? segs.pop() : undefined;
    const edits = 1 + Math.floor(r() * r() * 4);
    for (let q = 0; q < edits; q++) {
      const i = Math.floor(r() * segs.length);
      const setEl = (f: (e: string[], k: number) => void) => {
        const e = (segs[i] ?? '').split(el);
        f(e, 1 + Math.floor(r() * (e.length + 1)));
        segs[i] = Array.from(e, (v) => v ?? '').join(el);
      };
      switch (Math.floor(r() * 14)) {
        case 0:
          segs.splice(i, 1);
          break;
        case 1:
          segs.splice(i, 0, segs[i] ?? '');
          break;
        case 2: {
          const j = Math.min(segs.length - 1, i + 1);
          [segs[i], segs[j]] = [segs[j]!, segs[i]!];
          break;
        }
        case 3:
          segs.splice(Math.floor(r() * segs.length), 0, ...segs.splice(i, 1));
          break;
        case 4:
          setEl((e, k) => (e[k] = ''));
          break;
        case 5:
          setEl((e, k) => (e[k] = (e[k] ?? 'X').repeat(2 + Math.floor(r() * 20))));
          break;
        case 6:
          setEl((e, k) => (e[k] = pick(ODD).replaceAll(':', comp).replaceAll('^', rep)));
          break;
        case 7: {
          // A value from another segment: valid codes in the wrong place.
          const o = pick(segs).split(el);
          const v = o[1 + Math.floor(r() * Math.max(1, o.length - 1))] ?? '';
          setEl((e, k) => (e[k] = v));
          break;
        }
        case 8:
          setEl((e) => (e.length = 1 + Math.floor(r() * e.length)));
          break;
        case 9:
          setEl((e) => e.push(...Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(ODD))));
          break;
        case 10:
          setEl((e, k) => {
            const v = e[k] ?? '';
            const at = Math.floor(r() * (v.length + 1));
            e[k] = v.slice(0, at) + pick([comp, rep, '\u0007', '\t', ' ']) + v.slice(at);
          });
          break;
        case 11: {
          const t = segs.join(segSep);
          const at = Math.floor(r() * t.length);
          segs = (t.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + t.slice(at + 1)).split(
            segSep,
          );
          break;
        }
        case 12:
          setEl((e) => (e[0] = pick(IDS)));
          break;
        default:
          setEl((e, k) => {
            const v = e[k] ?? '';
            e[k] = /^\d+$/.test(v) ? String(Number(v) + (r() < 0.5 ? 1 : -1)) : `${v}1`;
          });
      }
    }
    const text = segs.join(segSep) + (tail !== undefined ? segSep + tail : '');
    return r() < 0.03 ? text.slice(0, Math.floor(r() * text.length)) : text;
  }

  // Every finding (code, severity, message, segment, position, field, in order) of the validator over the
  // fixtures, synthetic 837P/837D files in five separator sets, and 2,500 seeded mutations of them, as one
  // digest. Recorded before the validator's fast paths (clean() and friends) and unchanged by them: a
  // speed change must leave it as it is. Regenerate (vitest -u) only for an intended change of findings.
  it('validator gives the recorded findings for fixtures, separator sets and 2,500 seeded mutations', () => {
    const bases: string[] = [];
    const all: string[] = [];
    for (const [, text] of fixtures()) {
      all.push(text);
      if (text.length > 106) bases.push(text);
    }
    for (const kind of ['medical', 'dental'] as const)
      SEPARATORS.forEach((separators, si) => {
        for (const n of [1, 3, 8, 40]) {
          const env = syntheticEnvelope(separators ? { separators } : {});
          const text = write837(syntheticClaims(kind, n, 3 + si + n), env);
          all.push(text);
          if (n <= 8) bases.push(text);
        }
      });
    const r = rng(20261123);
    for (let m = 0; m < 2500; m++) all.push(mutate(bases[Math.floor(r() * bases.length)]!, r));
    const hash = createHash('sha256');
    const codes = new Map<string, number>();
    for (const text of all) {
      const v = validateX12(text);
      hash.update(`${JSON.stringify(v)}\n`);
      for (const d of [...v.errors, ...v.warnings]) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
    }
    const counts = [...codes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, n]) => `${c} ${n}`);
    expect([`${all.length} files`, hash.digest('hex'), ...counts].join('\n')).toMatchSnapshot();
  });
});

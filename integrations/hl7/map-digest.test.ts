// Pins what toEnvelope() makes of a large, varied corpus: the synthetic DFT^P03 / MDM^T02 messages
// across many indexes and options, every HL7 fixture, and thousands of seeded mutations of them
// (escape sequences, odd delimiters, CR/LF/CRLF line ends, empty and repeated fields, moved,
// missing and doubled segments, latin1 and UTF-8 bytes, truncation, framing bytes), under both
// shipped profiles and one that takes the other ref paths. Speed work on parse.ts / map.ts must
// keep every envelope, reject, diagnostic and parse tree byte for byte: a change of the digest
// means some output changed. When an output change is intended, check it with a diff of the
// results before and after, then pin the new digest printed by the failing test.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toEnvelope } from './map.js';
import { all, components, first, get, parseMessage, rawField, repetitions, type Message } from './parse.js';
import { dentalGeneric, generic25, type Hl7Profile } from './profiles.js';
import { sampleBatch, sampleDft, sampleMdm, type SampleOptions } from './sample.js';
import { mulberry32 } from '../../test/helpers/prng.js';

const DIGEST = '7d71619abe0f580279100e3cb786fb282526789dcdf7456d090b13e9ce3a358a';

/** The corpus is the same on every run. */
const rng = mulberry32;

function fixtures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...fixtures(path));
    else if (/\.(hl7|bin)$/.test(name)) out.push(path);
  }
  return out;
}

const TOKENS = [
  ...['|', '^', '~', '\\', '&', '#', '""', '\r', '\n', '\r\n', ' ', '\t', '\x0b', '\x1c', '\x00'],
  ...[
    '\\F\\',
    '\\S\\',
    '\\T\\',
    '\\R\\',
    '\\E\\',
    '\\X0D\\',
    '\\X41\\',
    '\\.br\\',
    '\\H\\',
    '\\P\\',
    '\\X4\\',
  ],
  ...['\\Zfoo\\', '\\', '2.3', '2.9', 'MSH', 'FT1', 'DG1', 'IN1', 'PV1', 'PID', 'OBX', 'x', 'é', '€', '中'],
  ...['😀', '-0500', '+0100', '.123', '20260230', '19991231235959', '125.005', '+12.50', '.5', '-3', '0'],
  ...['1e3', ' 12 ', 'CG', 'CD', 'PY', 'cg', 'NPI', '2.16.840.1.113883.4.6', 'I10', 'SCT', 'I9', 'C4'],
  ...[
    'CDT',
    'MR',
    'SPO',
    'CHD',
    '19',
    'TELE',
    '02',
    'MDM',
    'TOTTIME',
    'VISITTYPE',
    'NURSEVISIT',
    'Y',
    'high',
  ],
  ...['1234567893', '1497758544', '123456789', 'E11.9', 'e119', '123456789012'],
];
const TYPES = [
  'DFT^P03',
  'DFT^P11',
  'dft^p03',
  'DFT^P01',
  'MDM^T02',
  'MDM^T04',
  'ADT^A08',
  'XYZ^Q01',
  '',
  'DFT',
];
const DELIMITER_SETS = ['#$*/%', '|^~\\&#', '!@,?+', '|~^\\&', '|^|\\&', '|^~\\'];

/** One to four random edits of a message. */
function mutate(text: string, r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  let t = text;
  for (let m = 1 + Math.floor(r() * 4); m > 0; m--) {
    const at = Math.floor(r() * (t.length + 1));
    const segs = t.split('\r');
    const k = Math.floor(r() * segs.length);
    const insert = (s: string) => (t = t.slice(0, at) + s + t.slice(at));
    switch (Math.floor(r() * 16)) {
      case 0:
        insert(pick(TOKENS));
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 20));
        break;
      case 2:
        t = t.slice(0, at);
        break;
      case 3:
        segs.splice(k, 1);
        t = segs.join('\r');
        break;
      case 4:
        segs.splice(k, 0, segs[k]!);
        t = segs.join('\r');
        break;
      case 5: {
        const f = segs[k]!.split('|');
        const n = 1 + Math.floor(r() * (f.length + 3));
        while (f.length <= n) f.push('');
        f[n] = r() < 0.3 ? '' : r() < 0.5 ? pick(TOKENS) : f[n]! + pick(['^', '~', '&']) + pick(TOKENS);
        segs[k] = f.join('|');
        t = segs.join('\r');
        break;
      }
      case 6:
        t = t.replaceAll('\r', pick(['\n', '\r\n', '\n\r', '\r\r']));
        break;
      case 7:
        t = t.replace(/^(MSH\|(?:[^|]*\|){7})[^|]*/, `$1${pick(TYPES)}`);
        break;
      case 8: {
        const to = pick(DELIMITER_SETS);
        t = Array.from(t, (ch) => {
          const i = '|^~\\&'.indexOf(ch);
          return i >= 0 && i < to.length ? to[i]! : ch;
        }).join('');
        break;
      }
      case 9:
        t = pick(['\x0b', '\ufeff', '  \r\n', 'junk\r', '']) + t + pick(['\x1c\r', '', '\r', '\x1c']);
        break;
      case 10:
        insert(pick(['é', 'Ñ', 'ß', '中文', '😀', '\u00a0', '\\X0D0A\\', '\\Xzz\\', '\\.br\\', '\\S\\']));
        break;
      case 11: {
        const f = segs[k]!.split('|');
        const n = 1 + Math.floor(r() * Math.max(1, f.length - 1));
        if (f[n] !== undefined) f[n] = `${f[n]}~${r() < 0.5 ? f[n] : pick(TOKENS)}`;
        segs[k] = f.join('|');
        t = segs.join('\r');
        break;
      }
      case 12: {
        const [s] = segs.splice(k, 1);
        segs.splice(Math.floor(r() * segs.length), 0, s!);
        t = segs.join('\r');
        break;
      }
      case 13:
        insert(pick(['\n', '\n ', '\nFT1|', '\nXX']));
        break;
      case 14:
        segs[k] = segs[k]! + pick(['|', '||||', '^^^', '~', '|""', '|^']);
        t = segs.join('\r');
        break;
      default:
        segs[k] = r() < 0.5 ? segs[k]!.toLowerCase() : segs[k]!.slice(0, 3).toLowerCase() + segs[k]!.slice(3);
        t = segs.join('\r');
    }
  }
  return t;
}

/** The text as UTF-8, as latin1, or as UTF-8 with a few random bytes. */
function encode(text: string, r: () => number): Buffer {
  const x = r();
  if (x < 0.7) return Buffer.from(text, 'utf8');
  if (x < 0.9) return Buffer.from(text, 'latin1');
  const b = Buffer.from(text, 'utf8');
  for (let i = 1 + Math.floor(r() * 3); i > 0 && b.length; i--) b[Math.floor(r() * b.length)] = r() * 256;
  return b;
}

function corpus(): Buffer[] {
  const root = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
  const files = [...fixtures(join(root, 'hl7')), ...fixtures(join(root, 'coding'))].map((f) =>
    readFileSync(f),
  );
  const out: Buffer[] = [...files];
  const bases: string[] = files.map((b) => b.toString('latin1')).filter((t) => t.includes('MSH'));
  for (let i = 0; i < 150; i++) {
    const o: SampleOptions = { index: i };
    if (i % 3 === 1) o.dental = true;
    if (i % 7 === 2) o.charges = i % 13;
    if (i % 11 === 3) o.version = ['2.3', '2.4', '2.8', '2.9', '3.0', '2.5'][i % 6]!;
    if (i % 17 === 4) o.eol = i % 2 ? '\n' : '\r\n';
    if (i % 19 === 5) Object.assign(o, { acceptAck: 'AL', appAck: 'NE' });
    if (i % 23 === 6) o.dateOfService = ['20260229', '20240229', '2026013', ''][i % 4]!;
    if (i % 29 === 7) o.visitNumber = '';
    bases.push(sampleDft(o));
    if (i % 5 === 0) bases.push(sampleMdm({ index: i, status: ['AU', 'LA', 'IP', ''][i % 4]! }));
  }
  bases.push(sampleBatch([bases[0]!, bases[1]!]));
  out.push(...bases.map((t) => Buffer.from(t)));
  const r = rng(20261123);
  for (let k = 0; k < 3000; k++) out.push(encode(mutate(bases[Math.floor(r() * bases.length)]!, r), r));
  return out;
}

/** A profile that reads through the other paths: filtered refs, charge-scoped refs, a bad ref. */
const custom: Hl7Profile = {
  ...generic25,
  name: 'custom',
  visitNumber: ['PID-18', 'PV1-19.1', 'PV1-50'],
  pos: ['FT1-16.1', 'PV1-3.1', 'OBX[3=POS]-5'],
  mdm: 'OBX[3=mdm]-5.1',
  visitType: 'PV2-7',
  nurseVisit: 'ZPV-3',
  authorization: 'IN1-14.1.2',
  tooth: 'FT1-26.1',
  surfaces: 'FT1[6=CG]-26.2',
  area: 'bad ref',
  preferIcd10Alternate: false,
  finalSignal: 'mdm',
  defaultOffset: '-0600',
};

/** Reads the mapper does not make, through every exported accessor. */
function probes(m: Message, r: () => number): unknown[] {
  const out: unknown[] = [];
  for (const id of ['PID', 'FT1', 'DG1', 'OBX', 'XXX']) out.push(first(m, id)?.index, all(m, id).length);
  for (let k = 0; k < 12; k++) {
    const seg = m.segments[Math.floor(r() * m.segments.length)];
    const n = Math.floor(r() * 30);
    const [c, s, rep] = [Math.floor(r() * 8), Math.floor(r() * 3), Math.floor(r() * 3)];
    const reps = r() < 0.5 ? Infinity : 1 + Math.floor(r() * 3);
    const comps = r() < 0.5 ? Infinity : 1 + Math.floor(r() * 6);
    out.push(
      get(m, seg, n, c, s, rep),
      rawField(seg, n),
      repetitions(m, seg, n),
      components(m, seg, n, reps, comps),
    );
  }
  return out;
}

/** What parseMessage() read, named field by field (not a spread: the representation may change). */
function tree(m: Message): unknown {
  const { delimiters, messageCode, triggerEvent, controlId, version } = m;
  const segments = m.segments.map((s) => [s.id, s.index, s.offset, s.fields]);
  return { delimiters, messageCode, triggerEvent, controlId, version, segments };
}

function outcome(raw: Buffer, i: number): string {
  const results: unknown[] = [];
  for (const [p, profile] of [generic25, dentalGeneric, custom].entries()) {
    const res = toEnvelope(raw, p === 1 ? 'file' : 'mllp', profile);
    const m = res.message;
    results.push({
      envelope: res.envelope && { ...res.envelope, raw: res.envelope.raw.length },
      reject: res.reject,
      diagnostics: res.diagnostics,
      message: p === 0 && m && tree(m),
      probes: p === 0 && m ? probes(m, rng(i)) : undefined,
    });
  }
  // The text alone (no bytes to read from): the char-by-char read path.
  const parsed = parseMessage(raw.toString('latin1'));
  results.push(parsed.diagnostics, parsed.value && [tree(parsed.value), probes(parsed.value, rng(i + 1))]);
  return JSON.stringify(results);
}

describe('toEnvelope over a seeded corpus', () => {
  it('gives the pinned outputs for every message of the corpus, byte for byte', () => {
    const inputs = corpus();
    expect(inputs.length).toBeGreaterThan(3200);
    const hash = createHash('sha256');
    inputs.forEach((raw, i) => hash.update(outcome(raw, i)).update('\n'));
    expect(hash.digest('hex')).toBe(DIGEST);
  });
});

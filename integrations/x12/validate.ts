// Strict X12 validator: envelopes (ISA/IEA, GS/GE, ST/SE counts and control numbers), segment order and
// loops per the implementation guide (table-driven, specs.ts), required/not-used elements, element
// types and lengths (dictionary.ts), key code values, HL hierarchy, and the business rules a clearinghouse
// front-end edits for (CLM01 length, CLM02 = sum of line charges, NPI check digit, 835 balancing).
// Every diagnostic names the segment number in the file, the segment id and the element.
import type { Diagnostic } from '../../appliance/domain/types.js';
import { DICTIONARY, type ElDef, type ElType } from './dictionary.js';
import {
  POS_CODES,
  PLB_REASONS,
  spec277CA,
  spec835,
  spec837D,
  spec837P,
  spec999,
  trigger,
  type LoopNode,
  type Node,
  type SegNode,
} from './specs.js';
import { segmentRegex, type PositionRules } from './segment-regex.js';
import {
  cut,
  LIVE_MAPS,
  SegCursor,
  SEGMENT_ID_SLOTS,
  segmentAt,
  segmentIdSlot,
  type Cuts,
} from './tokenize.js';
import type { Segment, Separators, ValidationResult } from './types.js';
import { parseCents, parseCentsAt } from './values.js';

type Spec = () => LoopNode;
const SPECS: Record<string, { spec: Spec; fn: string; set: string }> = {
  '005010X222A1': { spec: spec837P, fn: 'HC', set: '837' },
  '005010X224A2': { spec: spec837D, fn: 'HC', set: '837' },
  '005010X231A1': { spec: spec999, fn: 'FA', set: '999' },
  '005010X214': { spec: spec277CA, fn: 'HN', set: '277' },
  '005010X221A1': { spec: spec835, fn: 'HP', set: '835' },
};
const cache = new Map<string, LoopNode>();
function specFor(version: string): LoopNode | undefined {
  const s = SPECS[version];
  if (!s) return undefined;
  let l = cache.get(version);
  if (!l) cache.set(version, (l = s.spec()));
  return l;
}

/** NPI check digit: Luhn over '80840' + the 10-digit NPI (CMS NPI standard). */
export function npiValid(npi: string): boolean {
  return npiAt(npi, 0, npi.length);
}

/** npiValid of src[a, b), read in place. */
function npiAt(src: string, a: number, b: number): boolean {
  if (b - a !== 10) return false;
  // The '80840' prefix adds 24 wherever the walk from the right leaves it (8 + 8 + 0 + 8 + 0 doubled as Luhn does).
  let sum = 24;
  for (let i = b - 1, dbl = false; i >= a; i--, dbl = !dbl) {
    let d = src.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function upper(ch: number): boolean {
  return ch >= 65 && ch <= 90;
}

/** src[a, b) is `len` ASCII digits. */
function digitsAt(src: string, a: number, b: number, len: number): boolean {
  if (b - a !== len) return false;
  for (let i = a; i < b; i++) {
    const ch = src.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  return true;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** CCYYMMDD, a real calendar date (ASCII digits only, as `\d` in the X12 basic character set). */
export function dateValid(v: string): boolean {
  return dateAt(v, 0, v.length);
}

/** dateValid of src[a, b), read in place. */
function dateAt(src: string, a: number, b: number): boolean {
  if (!digitsAt(src, a, b, 8)) return false;
  // Digits checked above, so '0' (48) can be subtracted once per number.
  const y =
    src.charCodeAt(a) * 1000 +
    src.charCodeAt(a + 1) * 100 +
    src.charCodeAt(a + 2) * 10 +
    src.charCodeAt(a + 3) -
    53328;
  const mo = src.charCodeAt(a + 4) * 10 + src.charCodeAt(a + 5) - 528;
  const d = src.charCodeAt(a + 6) * 10 + src.charCodeAt(a + 7) - 528;
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS[mo - 1]! + (leap ? 1 : 0);
}
function timeValid(v: string): boolean {
  if (!/^\d{4}(\d{2}(\d{1,2})?)?$/.test(v)) return false;
  return (
    Number(v.slice(0, 2)) < 24 && Number(v.slice(2, 4)) < 60 && (v.length < 6 || Number(v.slice(4, 6)) < 60)
  );
}

/** Where a finding is: a kept segment, the segment under the walk's cursor (read at once), or the file. */
type Where = Segment | SegCursor | undefined;

class Report {
  errors: Diagnostic[] = [];
  warnings: Diagnostic[] = [];
  constructor(readonly limit = 1000) {}
  add(sev: 'error' | 'warning', code: string, s: Where, message: string, el?: number, comp?: number) {
    const list = sev === 'error' ? this.errors : this.warnings;
    if (list.length >= this.limit) return;
    const id = s === undefined ? '' : s instanceof SegCursor ? s.id : (s.el[0] ?? '');
    const field =
      el === undefined ? undefined : `${id}${String(el).padStart(2, '0')}${comp ? `-${comp}` : ''}`;
    const where = s ? `segment ${s.n} (${id}${field ? ` ${field}` : ''})` : 'file';
    const d: Diagnostic = { code, severity: sev, message: `${where}: ${message}` };
    if (s) {
      d.segment = id;
      d.position = s.n;
    }
    if (field) d.field = field;
    list.push(d);
  }
  err(code: string, s: Where, message: string, el?: number, comp?: number) {
    this.add('error', code, s, message, el, comp);
  }
  warn(code: string, s: Where, message: string, el?: number, comp?: number) {
    this.add('warning', code, s, message, el, comp);
  }
  /** Append another report's findings after this one's, as if they had been added here in that order. */
  merge(o: Report) {
    for (const d of o.errors) if (this.errors.length < this.limit) this.errors.push(d);
    for (const d of o.warnings) if (this.warnings.length < this.limit) this.warnings.push(d);
  }
}

/** The cut text: segments are split into elements only when a check reaches them, then dropped. */
interface Doc {
  c: Cuts;
  sep: Separators;
  elCode: number;
  /** The transaction walk's cursor: one segment at a time, elements sliced only where a check reads them. */
  cur: SegCursor;
  /** Per separator (0 component, 1 repetition): the offset searched from and the next one at or after it. */
  from: [number, number];
  next: [number, number];
  counts: Map<LoopNode, Counts>;
  /** sepSetIndex of the file's separators. */
  sepSet: number;
  /** Per segment: 1 when its segment regex matched it (then it holds no control character). */
  verified: Uint8Array;
}

/** Offset of the next component (which 0) or repetition (1) separator at or after `at`, src.length if none. */
function nextAt(d: Doc, which: 0 | 1, at: number): number {
  if (at < d.from[which] || d.next[which] < at) {
    const ch = which === 0 ? d.sep.component : d.sep.repetition;
    const k = ch === '' ? -1 : d.c.src.indexOf(ch, at);
    d.from[which] = at;
    d.next[which] = k < 0 ? d.c.src.length : k;
  }
  return d.next[which];
}

function seg(d: Doc, i: number): Segment {
  return segmentAt(d.c, i, d.sep.element);
}

/**
 * A segment id as a small integer (length, then 7 bits per character), or -1 when it is longer than
 * three characters or not ASCII: tells envelope segments apart without splitting the segment.
 */
function idCode(d: Doc, i: number): number {
  const src = d.c.src;
  const b = d.c.end[i]!;
  let code = 0;
  let len = 0;
  for (let k = d.c.start[i]!; k < b; k++) {
    const ch = src.charCodeAt(k);
    if (ch === d.elCode) break;
    if (len === 3 || ch >= 128) return -1;
    code = (code << 7) | ch;
    len++;
  }
  return (len << 21) | code;
}

function code(id: string): number {
  let c = 0;
  for (let k = 0; k < id.length; k++) c = (c << 7) | id.charCodeAt(k);
  return (id.length << 21) | c;
}
const ISA = code('ISA');
const IEA = code('IEA');
const GS = code('GS');
const GE = code('GE');
const ST = code('ST');
const SE = code('SE');
const TA1 = code('TA1');

const ISA_WIDTHS = [0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

export function validateX12(text: string): ValidationResult {
  const r = new Report();
  const c = cut(text);
  for (const d of c.diagnostics)
    r.errors.push({
      ...d,
      message: `${d.position ? `segment ${d.position} (${d.segment ?? ''}): ` : ''}${d.message}`,
    });
  if (!c.separators) return done(r);
  const sep = c.separators;
  const doc: Doc = {
    c,
    sep,
    elCode: sep.element.charCodeAt(0),
    cur: new SegCursor(c, sep.element),
    from: [0, 0],
    next: [-1, -1],
    counts: new Map(),
    sepSet: sepSetIndex(sep),
    verified: new Uint8Array(c.count),
  };
  // Control characters are looked for after the walk (which marks the segments its regexes matched),
  // their findings put here.
  const controlsAt = r.errors.length;
  let i = 0;
  let interchanges = 0;
  while (i < c.count) {
    if (idCode(doc, i) !== ISA) {
      const s = seg(doc, i);
      r.err('X12_EXPECTED_ISA', s, `expected ISA, found ${s.el[0] ?? ''}`);
      i++;
      continue;
    }
    interchanges++;
    i = interchange(doc, i, r);
  }
  if (interchanges === 0) r.err('X12_NO_ISA', undefined, 'no interchange found');
  controlCharacters(doc, r, controlsAt);
  return done(r);
}

function done(r: Report): ValidationResult {
  return { ok: r.errors.length === 0, errors: r.errors, warnings: r.warnings };
}

function checkIsa(isa: Segment, sep: Separators, r: Report) {
  if (isa.el.length !== 17)
    r.err('X12_ISA_ELEMENTS', isa, `ISA must have 16 elements, found ${isa.el.length - 1}`);
  for (let k = 1; k <= 16 && k < isa.el.length; k++) {
    const v = isa.el[k]!;
    if (v.length !== ISA_WIDTHS[k])
      r.err('X12_ISA_WIDTH', isa, `must be exactly ${ISA_WIDTHS[k]} characters, is ${v.length}`, k);
  }
  const e = isa.el;
  const want = (k: number, ok: boolean, msg: string) => {
    if (!ok) r.err('X12_ISA_VALUE', isa, msg, k);
  };
  want(1, ['00', '03'].includes(e[1] ?? ''), `authorization qualifier '${e[1] ?? ''}' must be 00 or 03`);
  want(3, ['00', '01'].includes(e[3] ?? ''), `security qualifier '${e[3] ?? ''}' must be 00 or 01`);
  const quals = ['01', '14', '20', '27', '28', '29', '30', '33', 'ZZ'];
  want(5, quals.includes(e[5] ?? ''), `interchange id qualifier '${e[5] ?? ''}' is not a valid code`);
  want(7, quals.includes(e[7] ?? ''), `interchange id qualifier '${e[7] ?? ''}' is not a valid code`);
  want(6, (e[6] ?? '').trim() !== '', 'sender id is blank');
  want(8, (e[8] ?? '').trim() !== '', 'receiver id is blank');
  want(9, /^\d{6}$/.test(e[9] ?? '') && dateValid(`20${e[9] ?? ''}`), `'${e[9] ?? ''}' is not a YYMMDD date`);
  want(10, /^\d{4}$/.test(e[10] ?? '') && timeValid(e[10] ?? ''), `'${e[10] ?? ''}' is not an HHMM time`);
  want(
    11,
    e[11] === sep.repetition && !/[A-Za-z0-9 ]/.test(e[11] ?? ''),
    'ISA11 must be the repetition separator (5010), not U',
  );
  want(12, e[12] === '00501', `version '${e[12] ?? ''}' must be 00501`);
  want(13, /^\d{9}$/.test(e[13] ?? ''), 'control number must be 9 digits');
  want(14, ['0', '1'].includes(e[14] ?? ''), 'acknowledgment requested must be 0 or 1');
  want(15, ['P', 'T', 'I'].includes(e[15] ?? ''), `usage indicator '${e[15] ?? ''}' must be P, T or I`);
  if (new Set([sep.element, sep.component, sep.repetition, sep.segment[0]]).size !== 4)
    r.err('X12_DELIMITERS', isa, 'element, component, repetition and segment separators must all differ');
}

/** One ISA..IEA; returns the index after IEA. */
function interchange(d: Doc, start: number, r: Report): number {
  const isa = seg(d, start);
  checkIsa(isa, d.sep, r);
  let i = start + 1;
  let groups = 0;
  while (i < d.c.count) {
    const id = idCode(d, i);
    if (id === GS) {
      groups++;
      i = group(d, i, r);
      continue;
    }
    if (id === ISA) break;
    const s = seg(d, i);
    if (id === TA1) {
      // A TA1 answers an interchange at the envelope level: alone (IEA01 = 0) or ahead of the groups.
      if (groups > 0)
        r.err(
          'X12_UNEXPECTED_SEGMENT',
          s,
          'TA1 after a functional group (TA1 goes between ISA and the first GS)',
        );
      else checkTa1(s, r);
      i++;
      continue;
    }
    if (id === IEA) {
      if (s.el[1] !== String(groups))
        r.err('X12_IEA_COUNT', s, `IEA01 says ${s.el[1] ?? ''} functional groups, found ${groups}`, 1);
      if (s.el[2] !== isa.el[13])
        r.err('X12_IEA_CONTROL', s, `IEA02 '${s.el[2] ?? ''}' does not match ISA13 '${isa.el[13] ?? ''}'`, 2);
      return i + 1;
    }
    r.err('X12_UNEXPECTED_SEGMENT', s, `${s.el[0] ?? ''} outside a functional group (expected GS or IEA)`);
    i++;
  }
  r.err('X12_MISSING_IEA', isa, 'interchange has no IEA trailer');
  return i;
}

/** X12 I18 interchange note codes (TA105): 000 through 038. */
const TA1_NOTE_MAX = 38;

/** TA1 interchange acknowledgment (X12.56 control segment): each of its five elements is mandatory. */
function checkTa1(s: Segment, r: Report) {
  const e = s.el;
  if (e.length > 6)
    r.err('X12_TOO_MANY_ELEMENTS', s, `has ${e.length - 1} elements, TA1 allows 5`, e.length - 1);
  for (let k = 1; k <= 5; k++) if (!e[k]) r.err('X12_REQUIRED_ELEMENT', s, 'required element missing', k);
  const [, control, date, time, status, note] = e;
  if (control && !/^\d{9}$/.test(control))
    r.err('X12_BAD_NUMBER', s, `interchange control number '${control}' must be 9 digits (ISA13)`, 1);
  if (date && !(/^\d{6}$/.test(date) && dateValid(`20${date}`)))
    r.err('X12_BAD_DATE', s, `'${date}' is not a YYMMDD date`, 2);
  if (time && !(/^\d{4}$/.test(time) && timeValid(time)))
    r.err('X12_BAD_TIME', s, `'${time}' is not an HHMM time`, 3);
  if (status && status !== 'A' && status !== 'E' && status !== 'R')
    r.err('X12_BAD_CODE', s, `acknowledgment code '${status}' must be A, E or R`, 4);
  if (note && !(/^\d{3}$/.test(note) && Number(note) <= TA1_NOTE_MAX))
    r.err('X12_BAD_CODE', s, `interchange note code '${note}' is not an X12 I18 code (000-038)`, 5);
}

function group(d: Doc, start: number, r: Report): number {
  const gs = seg(d, start);
  const e = gs.el;
  for (const k of [1, 2, 3, 4, 5, 6, 7, 8])
    if (!e[k]) r.err('X12_REQUIRED_ELEMENT', gs, 'required element missing', k);
  if (e[4] && !dateValid(e[4])) r.err('X12_BAD_DATE', gs, `'${e[4]}' is not a CCYYMMDD date`, 4);
  if (e[5] && !timeValid(e[5])) r.err('X12_BAD_TIME', gs, `'${e[5]}' is not a time`, 5);
  if (e[6] && !/^\d{1,9}$/.test(e[6]))
    r.err('X12_BAD_NUMBER', gs, 'group control number must be 1-9 digits', 6);
  if (e[7] && e[7] !== 'X') r.err('X12_BAD_CODE', gs, `responsible agency '${e[7]}' must be X`, 7);
  const known = SPECS[e[8] ?? ''];
  if (!known)
    r.warn(
      'X12_UNKNOWN_VERSION',
      gs,
      `version '${e[8] ?? ''}' has no implementation guide table here; only the envelope is checked`,
      8,
    );
  else if (known.fn !== e[1])
    r.err(
      'X12_GS_FUNCTION',
      gs,
      `functional id '${e[1] ?? ''}' does not match ${e[8] ?? ''} (expected ${known.fn})`,
      1,
    );
  let i = start + 1;
  let sets = 0;
  while (i < d.c.count) {
    const id = idCode(d, i);
    if (id === ST) {
      sets++;
      i = transaction(d, i, r, gs);
      continue;
    }
    if (id === IEA || id === GS || id === ISA) break;
    const s = seg(d, i);
    if (id === GE) {
      if (s.el[1] !== String(sets))
        r.err('X12_GE_COUNT', s, `GE01 says ${s.el[1] ?? ''} transaction sets, found ${sets}`, 1);
      if (s.el[2] !== e[6])
        r.err('X12_GE_CONTROL', s, `GE02 '${s.el[2] ?? ''}' does not match GS06 '${e[6] ?? ''}'`, 2);
      return i + 1;
    }
    r.err('X12_UNEXPECTED_SEGMENT', s, `${s.el[0] ?? ''} outside a transaction set (expected ST or GE)`);
    i++;
  }
  r.err('X12_MISSING_GE', gs, 'functional group has no GE trailer');
  return i;
}

// ------------------------------------------------------------------ transaction set: loop walker

interface Frame {
  loop: LoopNode;
  pos: number;
  /** Occurrences of each child of `loop`, by its index in `loop.kids`. */
  counts: Counts;
  /** Index of the segment that opened this loop iteration (where a missing child is reported). */
  start: number;
  /** candidates(loop), looked up once per iteration rather than once per segment. */
  byId: Candidates;
}

/**
 * The qualifier last read from the walk's current segment: its element (-1: none yet), the bounds of its
 * first component and that component packed. Candidates for one segment (NM1 in 2300 has a dozen) mostly
 * pin the same element, which is then read once.
 */
interface QualifierMemo {
  el: number;
  a: number;
  b: number;
  packed: number;
}

function matches(k: Candidate, s: SegCursor, component: string, m: QualifierMemo): boolean {
  // Candidates are looked up by segment id: only the qualifier is left to compare.
  const q = k.qual;
  if (!q) return true;
  // HI and similar pin the qualifier inside the first composite (HI01-1): the first component, or the
  // whole element when it has none.
  const el = q.el;
  if (el < 1 || el > s.count) return q.codes.includes(s.part(el, 1, component) ?? '');
  const src = s.src;
  if (m.el !== el) {
    const a = s.start(el);
    const e = s.end(el);
    // The first component, found by a char-code scan (qualifiers are a few characters; an indexOf call
    // could run far past the element).
    const comp = component.charCodeAt(0);
    let b = a;
    while (b < e && src.charCodeAt(b) !== comp) b++;
    m.el = el;
    m.a = a;
    m.b = b;
    m.packed = pack(src, a, b);
  }
  const p = m.packed;
  const codes = k.q!;
  return p >= 0 ? codes.has(p) : !codes.allPacked && q.codes.includes(src.slice(m.a, m.b));
}

/** A code list packed (see `pack`) for lookups without a slice: a short list is scanned, a long one hashed. */
class PackedCodes {
  /** Every code packs: a value that does not pack is not one of them. */
  readonly allPacked: boolean;
  private readonly list: Int32Array;
  private readonly set: Set<number> | undefined;
  constructor(codes: readonly string[]) {
    const packed = new Set<number>();
    let allPacked = true;
    for (const code of codes) {
      const p = pack(code, 0, code.length);
      if (p >= 0) packed.add(p);
      else allPacked = false;
    }
    this.allPacked = allPacked;
    this.list = Int32Array.from(packed);
    this.set = packed.size > 8 ? packed : undefined;
  }
  has(p: number): boolean {
    if (this.set) return this.set.has(p);
    const l = this.list;
    for (let i = 0; i < l.length; i++) if (l[i] === p) return true;
    return false;
  }
}

/** A segment that ends a transaction set's body: its trailer or the next envelope segment. */
function isStop(id: number): boolean {
  return id === SE || id === ST || id === GE || id === IEA || id === GS || id === ISA;
}

/**
 * Index of the first envelope segment (SE, ST, GE, IEA, GS, ISA) at or after `i`, or the count. A function
 * of its own: as a loop inside `transaction` it had V8 compile `transaction` on-stack for every file and
 * throw that code away at the first diagnostic it had not seen yet.
 */
function bodyEnd(d: Doc, i: number): number {
  const src = d.c.src;
  const start = d.c.start;
  for (; i < d.c.count; i++) {
    // Every stop starts with S, G or I: most segments are passed on their first character.
    const ch = src.charCodeAt(start[i]!);
    if ((ch === 83 || ch === 71 || ch === 73) && isStop(idCode(d, i))) break;
  }
  return i;
}

function transaction(d: Doc, start: number, r: Report, gs: Segment): number {
  const st = seg(d, start);
  // Find SE (or the end of the group) first: counts and control numbers do not depend on the guide.
  const end = bodyEnd(d, start + 1);
  const se = end < d.c.count && idCode(d, end) === SE ? seg(d, end) : undefined;
  if (!se) r.err('X12_MISSING_SE', st, 'transaction set has no SE trailer');
  else {
    const count = end - start + 1;
    if (se.el[1] !== String(count))
      r.err('X12_SE_COUNT', se, `SE01 says ${se.el[1] ?? ''} segments, counted ${count} (ST through SE)`, 1);
    if (se.el[2] !== st.el[2])
      r.err('X12_SE_CONTROL', se, `SE02 '${se.el[2] ?? ''}' does not match ST02 '${st.el[2] ?? ''}'`, 2);
  }
  const version = st.el[3] || gs.el[8] || '';
  if (st.el[3] && gs.el[8] && st.el[3] !== gs.el[8])
    r.err('X12_ST_VERSION', st, `ST03 '${st.el[3]}' differs from GS08 '${gs.el[8]}'`, 3);
  const known = SPECS[version];
  if (known && st.el[1] !== known.set)
    r.err('X12_ST_SET', st, `ST01 '${st.el[1] ?? ''}' does not match ${version} (expected ${known.set})`, 1);
  const spec = specFor(version);
  if (spec) {
    // One pass: each placed segment goes through the element checks and the business rules, whose
    // findings are kept apart and appended after the structural ones (the order they have always had).
    const rules = new Rules(version, d.sep);
    walk(spec, d, start, se ? end + 1 : end, r, rules);
    rules.finish(r);
  }
  return se ? end + 1 : end;
}

/** A child of a loop that a segment could be: the child, its index, and the segment it starts with. */
interface Candidate {
  node: Node;
  idx: number;
  seg: SegNode;
  /** node.pos, kept here: reading it through `node` (a segment or a loop) is a polymorphic load. */
  pos: number;
  /** The element rules of `seg`, resolved on first use. */
  rules: NodeRules | undefined;
  /**
   * The occurrence counts of the loop this candidate opens (undefined until first opened; a segment
   * candidate never has any). A loop node is the candidate of one parent only and never encloses an
   * iteration of itself, and validation is synchronous: one Counts, reset per iteration, serves every file.
   */
  counts: Counts | undefined;
  /** seg.q, kept here: one load fewer per candidate tried. */
  qual: SegNode['q'];
  /** seg.q's codes, packed. */
  q: PackedCodes | undefined;
}
const NONE: Candidate[] = [];
/** A loop's children by the id of the segment that could be each (the segment itself or a loop it opens). */
/** A loop's candidates by segment id: by id slot for known ids (an array index), by string for the rest. */
interface Candidates {
  bySlot: (Candidate[] | undefined)[];
  other: Map<string, Candidate[]>;
}
function candidates(l: LoopNode): Candidates {
  let m = l.byId as Candidates | undefined;
  if (!m) {
    const all = new Map<string, Candidate[]>();
    l.kids.forEach((k, idx) => {
      const seg = k.t === 's' ? k : trigger(k);
      const list = all.get(seg.id);
      const q = seg.q;
      const c: Candidate = {
        node: k,
        idx,
        seg,
        pos: k.pos,
        rules: undefined,
        counts: undefined,
        qual: q,
        q: q ? new PackedCodes(q.codes) : undefined,
      };
      if (list) list.push(c);
      else all.set(seg.id, [c]);
    });
    const bySlot = new Array<Candidate[] | undefined>(SEGMENT_ID_SLOTS).fill(undefined);
    const other = new Map<string, Candidate[]>();
    for (const [id, list] of all) {
      const h = segmentIdSlot(id);
      if (h >= 0) bySlot[h] = list;
      else other.set(id, list);
    }
    l.byId = m = { bySlot, other };
  }
  return m;
}

/**
 * Occurrences of a loop's children in its current iteration, one per loop node and validation. A loop
 * never encloses an iteration of itself (it closes before the next opens), so a new iteration starts a
 * new generation instead of allocating and zeroing an array (a 2300 loop has a hundred-odd children).
 */
class Counts {
  private readonly n: Int32Array;
  private readonly gen: Int32Array;
  private g = 0;
  /** Indexes of the loop's required children (a 2300 loop has over a hundred children, few required). */
  readonly required: number[];
  constructor(l: LoopNode) {
    this.n = new Int32Array(l.kids.length);
    this.gen = new Int32Array(l.kids.length);
    this.required = required(l);
  }
  /** Start a new iteration: every count reads 0. */
  reset(): this {
    this.g++;
    return this;
  }
  get(idx: number): number {
    return this.gen[idx] === this.g ? this.n[idx]! : 0;
  }
  /** Count one more occurrence of child `idx`; returns the new count. */
  inc(idx: number): number {
    if (this.gen[idx] !== this.g) {
      this.gen[idx] = this.g;
      this.n[idx] = 0;
    }
    return ++this.n[idx]!;
  }
}

function countsFor(d: Doc, l: LoopNode): Counts {
  let c = d.counts.get(l);
  if (!c) d.counts.set(l, (c = new Counts(l)));
  return c.reset();
}

function walk(spec: LoopNode, d: Doc, from: number, to: number, r: Report, rules: Rules) {
  const component = d.sep.component;
  const s = d.cur;
  const stack: Frame[] = [
    { loop: spec, pos: -1, counts: countsFor(d, spec), start: from, byId: candidates(spec) },
  ];
  const memo: QualifierMemo = { el: -1, a: 0, b: 0, packed: -1 };
  for (let i = from; i < to; i++) {
    s.moveTo(i);
    memo.el = -1;
    const id = s.id;
    let foundDepth = -1;
    let found: Candidate | undefined;
    let qualifierMiss: SegNode | undefined;
    for (let dep = stack.length - 1; dep >= 0 && !found; dep--) {
      const f = stack[dep]!;
      const list = (s.slot >= 0 ? f.byId.bySlot[s.slot] : f.byId.other.get(id)) ?? NONE;
      for (let j = 0; j < list.length; j++) {
        const k = list[j]!;
        if (k.pos < f.pos) continue;
        if (k.idx === 0 && dep > 0) continue; // a loop's trigger only opens a new iteration from the parent
        if (matches(k, s, component, memo)) {
          found = k;
          foundDepth = dep;
          break;
        }
        if (k.seg.id === id && !qualifierMiss) qualifierMiss = k.seg;
      }
    }
    if (!found) {
      if (qualifierMiss?.q)
        r.err(
          'X12_BAD_QUALIFIER',
          s,
          `'${s.at(qualifierMiss.q.el) ?? ''}' is not a valid qualifier here (expected ${qualifierMiss.q.codes.join(', ')}; loop ${stack[stack.length - 1]!.loop.id})`,
          qualifierMiss.q.el,
        );
      else
        r.err(
          'X12_UNEXPECTED_SEGMENT',
          s,
          `${s.id} is not allowed here (loop ${stack[stack.length - 1]!.loop.id})`,
        );
      continue;
    }
    while (stack.length - 1 > foundDepth) close(stack.pop()!, d, r);
    const f = stack[foundDepth]!;
    const node = found.node;
    const c = f.counts.inc(found.idx);
    f.pos = node.pos;
    if (c > node.max)
      r.err(
        node.t === 'l' ? 'X12_LOOP_MAX' : 'X12_SEGMENT_MAX',
        s,
        node.t === 'l'
          ? `loop ${node.id} (${node.name}) repeats more than ${node.max} times`
          : `${node.name} used more than ${node.max} times`,
      );
    if (node.t === 'l') {
      const counts = (found.counts ??= new Counts(node)).reset();
      counts.inc(0);
      stack.push({ loop: node, pos: 0, counts, start: i, byId: candidates(node) });
      elements(found.seg, (found.rules ??= nodeRules(found.seg)), s, d, r);
      rules.step(s, found.seg, node.id);
    } else {
      elements(node, (found.rules ??= nodeRules(node)), s, d, r);
      rules.step(s, node, f.loop.id);
    }
  }
  while (stack.length > 0) close(stack.pop()!, d, r);
}

const requiredCache = new WeakMap<LoopNode, number[]>();
/** Indexes of a loop's required children (a 2300 loop has over a hundred children, few of them required). */
function required(l: LoopNode): number[] {
  let req = requiredCache.get(l);
  if (!req) {
    req = [];
    for (let idx = 0; idx < l.kids.length; idx++) if (l.kids[idx]!.usage === 'R') req.push(idx);
    requiredCache.set(l, req);
  }
  return req;
}

function close(f: Frame, d: Doc, r: Report) {
  const kids = f.loop.kids;
  let start: Segment | undefined;
  for (const idx of f.counts.required) {
    const k = kids[idx]!;
    if (f.counts.get(idx) > 0) continue;
    start ??= seg(d, f.start);
    if (k.t === 'l')
      r.err('X12_MISSING_LOOP', start, `required loop ${k.id} (${k.name}) is missing in loop ${f.loop.id}`);
    else
      r.err(
        'X12_MISSING_SEGMENT',
        start,
        `required segment ${k.id}${k.q ? `*${k.q.codes[0] ?? ''}` : ''} (${k.name}) is missing in loop ${f.loop.id}`,
      );
  }
}

// ------------------------------------------------------------------ elements

/** -?digits+ (N0/N2) over src[a, b), as a char-code scan. */
function wholeNumber(src: string, a: number, b: number): boolean {
  let i = src.charCodeAt(a) === 45 ? a + 1 : a;
  if (i >= b) return false;
  for (; i < b; i++) {
    const ch = src.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  return true;
}

/** -?(digits+ .? digits* | . digits+) (R) over src[a, b), as a char-code scan. */
function decimalNumber(src: string, a: number, b: number): boolean {
  let i = src.charCodeAt(a) === 45 ? a + 1 : a;
  let digits = 0;
  let dot = false;
  for (; i < b; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 46) {
      if (dot) return false;
      dot = true;
    } else if (ch >= 48 && ch <= 57) digits++;
    else return false;
  }
  return digits > 0;
}

/** Type and length of the simple element src[a, b) (not empty); its text is sliced only for DT/TM and messages. */
function checkValue(def: ElDef, src: string, a: number, b: number, s: SegCursor, r: Report, el: number) {
  const type = def.type;
  switch (type) {
    case 'N0':
    case 'N2':
      if (!wholeNumber(src, a, b))
        return r.err('X12_BAD_NUMBER', s, `'${src.slice(a, b)}' is not a whole number`, el);
      break;
    case 'R':
      if (!decimalNumber(src, a, b))
        return r.err('X12_BAD_DECIMAL', s, `'${src.slice(a, b)}' is not a decimal number`, el);
      break;
    case 'DT': {
      const v = src.slice(a, b);
      if (!dateValid(v)) return r.err('X12_BAD_DATE', s, `'${v}' is not a valid CCYYMMDD date`, el);
      break;
    }
    case 'TM': {
      const v = src.slice(a, b);
      if (!timeValid(v)) return r.err('X12_BAD_TIME', s, `'${v}' is not a valid HHMM[SS] time`, el);
      break;
    }
    case 'AN':
    case 'ID':
      // Control characters are found once per file (controlCharacters), not per element.
      break;
    case 'C':
      return;
  }
  // Numeric lengths count digits only: the sign and the decimal point are not counted (X12 data element rules).
  let len = b - a;
  if (type === 'R' || type === 'N0' || type === 'N2') {
    if (src.charCodeAt(a) === 45) len--;
    for (let i = a; i < b; i++)
      if (src.charCodeAt(i) === 46) {
        len--;
        break;
      }
  }
  lengthError(def, src, a, b, len, s, r, el);
}

function lengthError(
  def: ElDef,
  src: string,
  a: number,
  b: number,
  len: number,
  s: SegCursor,
  r: Report,
  el: number,
) {
  if (def.min && len < def.min)
    r.err('X12_TOO_SHORT', s, `'${src.slice(a, b)}' is shorter than ${def.min}`, el);
  else if (def.max && len > def.max) {
    const v = src.slice(a, b);
    r.err('X12_TOO_LONG', s, `'${v.length > 40 ? v.slice(0, 40) + '…' : v}' is longer than ${def.max}`, el);
  }
}

/** Base-standard mandatory positions not already listed as guide-required (reported once, not twice). */
function baseMandatory(node: SegNode, dict: ElDef[]): number[] {
  const m: number[] = [];
  for (let k = 1; k <= dict.length; k++) if (dict[k - 1]!.mandatory && !node.req?.includes(k)) m.push(k);
  return m;
}

/** Whether X12_BAD_CHARACTER reports this character code: C0 controls but tab, LF and CR; DEL. */
function controlCode(ch: number): boolean {
  return (ch < 32 && ch !== 9 && ch !== 10 && ch !== 13) || ch === 127;
}

/**
 * Control characters other than the CR/LF that may wrap segments (at most 20 findings, delimiters
 * excepted). A segment its segment regex matched holds none (the regex admits none: segment-regex.ts),
 * so only the others are searched (envelope segments and any the regex turned down: few, and short),
 * and the text after the last segment; between two segments there is only a terminator and line breaks
 * or blanks. The findings go in at `at`, where a search of the whole text run before the walk would
 * have put them.
 */
function controlCharacters(d: Doc, r: Report, at: number) {
  const { src, start, end, count } = d.c;
  const sep = d.sep;
  const delimiters = new Set([sep.element, sep.component, sep.repetition, sep.segment[0]]);
  const found = new Report(20);
  for (let i = 0; i <= count && found.errors.length < 20; i++) {
    let a: number;
    let b: number;
    if (i < count) {
      if (d.verified[i]) continue;
      a = start[i]!;
      b = end[i]!;
    } else {
      a = count > 0 ? end[count - 1]! : 0;
      b = src.length;
    }
    for (let p = a; p < b; p++) {
      const ch = src.charCodeAt(p);
      if (!controlCode(ch) || delimiters.has(src[p])) continue;
      const owner = i < count ? i : count - 1;
      found.err(
        'X12_BAD_CHARACTER',
        owner >= 0 ? seg(d, owner) : undefined,
        `contains control character 0x${ch.toString(16).padStart(2, '0')}`,
      );
    }
  }
  if (found.errors.length === 0) return;
  r.errors.splice(at, 0, ...found.errors);
  if (r.errors.length > r.limit) r.errors.length = r.limit;
}

interface CodeRule {
  k: number;
  /** The component: undefined for a simple element, '*' for every component, else its number (in `j`). */
  b: string | undefined;
  j: number;
  codes: readonly string[];
  set: Set<string>;
  /** The codes packed: looked up without slicing the value. */
  packed: PackedCodes;
}

/**
 * src[a, b) as a small integer when it is 1-4 ASCII characters (7 bits each, length-1 above them:
 * always a Smi), else -1. Equal strings pack equal; a value and a code of different lengths never collide.
 */
function pack(src: string, a: number, b: number): number {
  const n = b - a;
  if (n < 1 || n > 4) return -1;
  let p = n - 1;
  for (let i = a; i < b; i++) {
    const ch = src.charCodeAt(i);
    if (ch >= 128) return -1;
    p = (p << 7) | ch;
  }
  return p;
}

/** Whether src[a, b) (not empty) is one of the rule's codes; slices only a value too long to pack. */
function hasCode(c: CodeRule, src: string, a: number, b: number): boolean {
  const p = pack(src, a, b);
  if (p >= 0) return c.packed.has(p);
  return !c.packed.allPacked && c.set.has(src.slice(a, b));
}

/** A segment node's element rules, resolved once per node: dictionary, positions and code sets. */
interface NodeRules {
  dict: ElDef[] | undefined;
  /** Per element position (0-based): its type as a K_ number, and min/max length (0: none). */
  kinds: Int32Array;
  mins: Int32Array;
  maxs: Int32Array;
  mandatory: number[];
  req: number[];
  na: number[];
  codes: CodeRule[];
  /** The same rules by element position (index k for element k, 1..width), for `clean`. */
  fast: FastRules;
  /** The node's clean-segment regex per separator set (see sepSetIndex); null where it has none. */
  res: (RegExp | null | undefined)[];
}

/** Separator sets seen so far, numbered: a node keeps one regex per set. */
const SEP_SETS = new Map<string, number>();
/** Enough for any real mix of trading partners; past it, files are checked by `clean` alone. */
const MAX_SEP_SETS = 16;
function sepSetIndex(sep: Separators): number {
  const key = `${sep.element}\u0000${sep.component}\u0000${sep.repetition}\u0000${sep.segment}`;
  let i = SEP_SETS.get(key);
  if (i === undefined) {
    if (SEP_SETS.size >= MAX_SEP_SETS) return -1;
    SEP_SETS.set(key, (i = SEP_SETS.size));
  }
  return i;
}

/** The node's clean-segment regex for this file's separators, built on first use; undefined if none. */
function regexFor(node: SegNode, rules: NodeRules, d: Doc): RegExp | undefined {
  const i = d.sepSet;
  if (i < 0) return undefined;
  let re = rules.res[i];
  if (re === undefined) {
    re = null;
    if (rules.dict) {
      const f = rules.fast;
      const positions: PositionRules[] = [];
      for (let k = 1; k <= f.width; k++)
        positions[k] = {
          need: (f.flags[k]! & F_NEED) !== 0,
          none: (f.flags[k]! & F_NONE) !== 0,
          def: rules.dict[k - 1],
          codes: undefined,
          parts: [],
        };
      let ok = true;
      for (const c of rules.codes) {
        const p = positions[c.k];
        if (!p) continue;
        if (c.b === undefined) {
          if (p.codes) ok = false;
          p.codes = c.codes;
        } else p.parts.push({ j: c.b === '*' ? '*' : c.j, codes: c.codes });
      }
      if (ok) re = segmentRegex(node.id, rules.dict.length, positions, d.sep) ?? null;
    }
    rules.res[i] = re;
  }
  return re ?? undefined;
}

/**
 * What `elements` checks, laid out by position for one pass that only answers "no finding at all?".
 * Element k (1..width) has: `flags[k]` (F_ bits), `kinds[k]`/`mins[k]`/`maxs[k]` from the dictionary
 * (only when k <= dictLen) and `simple[k]`, the code list of a simple element. Composite code rules
 * (CLM05-3, SV101-1) stay in `comp`, walked the way `elements` walks them.
 */
interface FastRules {
  width: number;
  /** DICTIONARY length for the segment id, -1 when the dictionary does not list it. */
  dictLen: number;
  /** Highest position that must be non-empty (mandatory or guide-required), 0 if none. */
  lastNeeded: number;
  flags: Uint8Array;
  kinds: Int32Array;
  mins: Int32Array;
  maxs: Int32Array;
  simple: (CodeRule | undefined)[];
  comp: CodeRule[];
  /** DTP: a component separator inside a simple element is no finding (DTP03 date ranges). */
  dtp: boolean;
}
/** Must be non-empty (base-standard mandatory or guide-required). */
const F_NEED = 1;
/** Must be empty (guide "not used"). */
const F_NONE = 2;
/** Has a simple-element code list. */
const F_CODE = 4;

/** Element types as small numbers for the per-element loop; AN and ID first (`kind <= K_ID`). */
const K_ID = 1;
const K_N0 = 2;
const K_N2 = 3;
const K_R = 4;
const K_DT = 5;
const K_C = 7;
const KIND: Record<ElType, number> = { AN: 0, ID: K_ID, N0: K_N0, N2: K_N2, R: K_R, DT: K_DT, TM: 6, C: K_C };

const nodeRulesCache = new WeakMap<SegNode, NodeRules>();
function nodeRules(node: SegNode): NodeRules {
  let c = nodeRulesCache.get(node);
  if (!c) {
    const dict = DICTIONARY[node.id];
    const kinds = new Int32Array(dict?.length ?? 0);
    const mins = new Int32Array(kinds.length);
    const maxs = new Int32Array(kinds.length);
    dict?.forEach((def, k) => {
      kinds[k] = KIND[def.type];
      mins[k] = def.min;
      maxs[k] = def.max;
    });
    c = {
      dict,
      kinds,
      mins,
      maxs,
      mandatory: dict ? baseMandatory(node, dict) : [],
      req: node.req ?? [],
      na: node.na ?? [],
      codes: [],
      fast: undefined as unknown as FastRules,
      res: [],
    };
    c.codes = codeRules(node);
    c.fast = fastRules(node, c);
    nodeRulesCache.set(node, c);
  }
  return c;
}

function fastRules(node: SegNode, c: NodeRules): FastRules {
  const dictLen = c.dict ? c.dict.length : -1;
  let width = dictLen < 0 ? 0 : dictLen;
  for (const k of [...c.mandatory, ...c.req, ...c.na]) width = Math.max(width, k);
  for (const rule of c.codes) width = Math.max(width, rule.k);
  const flags = new Uint8Array(width + 1);
  const kinds = new Int32Array(width + 1);
  const mins = new Int32Array(width + 1);
  const maxs = new Int32Array(width + 1);
  const simple = new Array<CodeRule | undefined>(width + 1).fill(undefined);
  let lastNeeded = 0;
  for (const k of [...c.mandatory, ...c.req]) {
    if (k < 1) continue;
    flags[k]! |= F_NEED;
    lastNeeded = Math.max(lastNeeded, k);
  }
  for (const k of c.na) if (k >= 1) flags[k]! |= F_NONE;
  for (let k = 1; k <= dictLen; k++) {
    kinds[k] = c.kinds[k - 1]!;
    mins[k] = c.mins[k - 1]!;
    maxs[k] = c.maxs[k - 1]!;
  }
  const comp: CodeRule[] = [];
  for (const rule of c.codes) {
    if (rule.b !== undefined) comp.push(rule);
    else if (rule.k >= 1 && simple[rule.k] === undefined) {
      simple[rule.k] = rule;
      flags[rule.k]! |= F_CODE;
    } else comp.push(rule);
  }
  return { width, dictLen, lastNeeded, flags, kinds, mins, maxs, simple, comp, dtp: node.id === 'DTP' };
}

/**
 * Whether `elements` would find nothing in the cursor's segment: one pass over its elements with the
 * node's rules by position, no strings made. Anything unusual answers false, and `elements` (which
 * builds the findings) runs as before; so this may say false for a clean segment, never true for one
 * with a finding.
 */
function clean(f: FastRules, s: SegCursor, d: Doc): boolean {
  const n = s.count;
  const pos = s.positions;
  const end = s.segmentEnd;
  // Trailing separator.
  if (n > 0 && pos[n - 1]! + 1 === end) return false;
  const dictLen = f.dictLen;
  if (dictLen >= 0 && n > dictLen) return false;
  if (n < f.lastNeeded) return false;
  const src = s.src;
  const plain = n === 0 || (nextAt(d, 0, pos[0]! + 1) >= end && nextAt(d, 1, pos[0]! + 1) >= end);
  const compCode = d.sep.component.charCodeAt(0);
  const repCode = d.sep.repetition === '' ? -1 : d.sep.repetition.charCodeAt(0);
  const { flags, kinds, mins, maxs } = f;
  const last = n < f.width ? n : f.width;
  for (let k = 1; k <= last; k++) {
    const a = pos[k - 1]! + 1;
    const b = k < n ? pos[k]! : end;
    const fl = flags[k]!;
    if (a === b) {
      if (fl & F_NEED) return false;
      continue;
    }
    if (fl & F_NONE) return false;
    if (k <= dictLen) {
      const kind = kinds[k]!;
      let skip = kind === K_C;
      if (!plain && !skip) {
        for (let i = a; i < b; i++) {
          const ch = src.charCodeAt(i);
          if (ch === compCode) {
            // `elements` passes a component separator only in DTP (and then checks nothing more here).
            if (!f.dtp) return false;
            skip = true;
            break;
          }
          if (ch === repCode) return false;
        }
      }
      if (!skip) {
        const min = mins[k]!;
        const max = maxs[k]!;
        let len = b - a;
        if (kind > K_ID) {
          switch (kind) {
            case K_N0:
            case K_N2:
              if (!wholeNumber(src, a, b)) return false;
              if (src.charCodeAt(a) === 45) len--;
              break;
            case K_R: {
              if (!decimalNumber(src, a, b)) return false;
              if (src.charCodeAt(a) === 45) len--;
              for (let i = a; i < b; i++)
                if (src.charCodeAt(i) === 46) {
                  len--;
                  break;
                }
              break;
            }
            case K_DT:
              if (!dateAt(src, a, b)) return false;
              break;
            default:
              // TM: rare (BHT05); the regex check is fine here.
              if (!timeValid(src.slice(a, b))) return false;
          }
        }
        if ((min > 0 && len < min) || (max > 0 && len > max)) return false;
      }
    }
    if (fl & F_CODE) {
      if (!hasCode(f.simple[k]!, src, a, b)) return false;
    }
  }
  const comp = f.comp;
  for (let j = 0; j < comp.length; j++) {
    const c = comp[j]!;
    const k = c.k;
    if (k < 1 || k > n) continue;
    let a = pos[k - 1]! + 1;
    const b = k < n ? pos[k]! : end;
    if (a === b) continue;
    if (c.b === undefined) {
      if (!hasCode(c, src, a, b)) return false;
      continue;
    }
    for (let p = 1; ; p++) {
      let z = src.indexOf(d.sep.component, a);
      if (z < 0 || z >= b) z = b;
      if ((c.b === '*' || p === c.j) && z > a && !hasCode(c, src, a, z)) return false;
      if (z === b || p === c.j) break;
      a = z + 1;
    }
  }
  return true;
}

/**
 * The element checks of the cursor's segment as `node`: one regex run for a clean segment, the general
 * path (`elementFindings`) for any other. Kept small so that V8 inlines it into the walk.
 */
function elements(node: SegNode, rules: NodeRules, s: SegCursor, d: Doc, r: Report) {
  const i = d.sepSet;
  let re = i >= 0 ? rules.res[i] : null;
  if (re === undefined) re = regexFor(node, rules, d) ?? null;
  if (re !== null) {
    const end = s.segmentEnd;
    re.lastIndex = s.segmentStart;
    // Matched to its end, and not ending in an element separator (a trailing empty element): clean.
    if (re.test(s.src) && re.lastIndex === end && s.src.charCodeAt(end - 1) !== d.elCode) {
      d.verified[s.n - 1] = 1;
      return;
    }
  }
  elementFindings(node, rules, s, d, r);
}

/** The general path of `elements`: a char-code pass (`clean`), then, if it finds anything, the findings. */
function elementFindings(node: SegNode, rules: NodeRules, s: SegCursor, d: Doc, r: Report) {
  if (clean(rules.fast, s, d)) return;
  const sep = d.sep;
  const dict = rules.dict;
  const n = s.count;
  if (n > 0 && s.len(n) === 0)
    r.err('X12_TRAILING_SEPARATOR', s, 'segment ends with an empty element (trailing separator)', n);
  const component = sep.component;
  if (dict) {
    if (n > dict.length)
      r.err('X12_TOO_MANY_ELEMENTS', s, `has ${n} elements, ${node.id} allows ${dict.length}`, n);
    const src = s.src;
    const repetition = sep.repetition;
    const compCode = component.charCodeAt(0);
    const repCode = repetition === '' ? -1 : repetition.charCodeAt(0);
    const last = n < dict.length ? n : dict.length;
    // Most segments hold neither separator: the next of each in the text (found once, remembered) tells.
    const plain = n === 0 || (nextAt(d, 0, s.start(1)) >= s.end(n) && nextAt(d, 1, s.start(1)) >= s.end(n));
    const pos = s.positions;
    const end = s.segmentEnd;
    const { kinds, mins, maxs } = rules;
    for (let k = 1; k <= last; k++) {
      const a = pos[k - 1]! + 1;
      const b = k < n ? pos[k]! : end;
      if (a === b) continue;
      const kind = kinds[k - 1]!;
      if (!plain) {
        let hasComp = false;
        let hasRep = false;
        for (let i = a; i < b; i++) {
          const ch = src.charCodeAt(i);
          if (ch === compCode) {
            hasComp = true;
            break;
          }
          if (ch === repCode) hasRep = true;
        }
        if (kind === K_C || hasComp) {
          // Composite: its components' codes are checked below; a component separator in a simple element:
          if (kind !== K_C && node.id !== 'DTP')
            r.err('X12_BAD_CHARACTER', s, `contains the component separator '${component}'`, k);
          continue;
        }
        if (hasRep) {
          r.err('X12_BAD_CHARACTER', s, `contains the repetition separator '${repetition}'`, k);
          continue;
        }
      } else if (kind === K_C) continue;
      if (kind <= K_ID) {
        // AN and ID: only the length (control characters are found once per file).
        const len = b - a;
        const min = mins[k - 1]!;
        const max = maxs[k - 1]!;
        if ((min > 0 && len < min) || (max > 0 && len > max))
          lengthError(dict[k - 1]!, src, a, b, len, s, r, k);
      } else checkValue(dict[k - 1]!, src, a, b, s, r, k);
    }
    const mandatory = rules.mandatory;
    for (let j = 0; j < mandatory.length; j++) {
      const k = mandatory[j]!;
      if (s.len(k) === 0)
        r.err(
          'X12_REQUIRED_ELEMENT',
          s,
          `mandatory element ${node.id}${String(k).padStart(2, '0')} is missing`,
          k,
        );
    }
  }
  const req = rules.req;
  for (let j = 0; j < req.length; j++) {
    const k = req[j]!;
    if (s.len(k) === 0) r.err('X12_REQUIRED_ELEMENT', s, `required element is missing (${node.name})`, k);
  }
  const na = rules.na;
  for (let j = 0; j < na.length; j++) {
    const k = na[j]!;
    if (s.len(k) > 0) r.err('X12_NOT_USED_ELEMENT', s, `element is not used in ${node.name}`, k);
  }
  const codes = rules.codes;
  const src = s.src;
  for (let j = 0; j < codes.length; j++) {
    const c = codes[j]!;
    const k = c.k;
    if (s.len(k) === 0) continue;
    const b = s.end(k);
    let a = s.start(k);
    if (c.b === undefined) {
      if (!hasCode(c, src, a, b))
        r.err('X12_BAD_CODE', s, `'${s.at(k)!}' is not a valid code (expected ${list(c.codes)})`, k);
      continue;
    }
    // Components are walked with indexOf inside the element instead of splitting it.
    for (let p = 1; ; p++) {
      let z = src.indexOf(component, a);
      if (z < 0 || z >= b) z = b;
      if ((c.b === '*' || p === c.j) && z > a && !hasCode(c, src, a, z))
        r.err(
          'X12_BAD_CODE',
          s,
          `'${src.slice(a, z)}' is not a valid code (expected ${list(c.codes)})`,
          k,
          p,
        );
      if (z === b || p === c.j) break;
      a = z + 1;
    }
  }
}

function codeRules(node: SegNode): CodeRule[] {
  return Object.entries(node.codes ?? {})
    .filter(([, codes]) => codes.length > 0)
    .map(([key, codes]) => {
      const [a, b] = key.split('-');
      return { k: Number(a), b, j: Number(b), codes, set: new Set(codes), packed: new PackedCodes(codes) };
    });
}

function list(codes: readonly string[]): string {
  return codes.length > 12 ? `one of ${codes.length} codes` : codes.join(', ');
}

// ------------------------------------------------------------------ business rules

/** Slot (see segmentIdSlot) of a segment id the rules dispatch on; every one is in the dictionary. */
function slotOf(id: string): number {
  const h = segmentIdSlot(id);
  if (h < 0) throw new Error(`segment id ${id} has no slot`);
  return h;
}
const S_HL = slotOf('HL');
const S_SBR = slotOf('SBR');
const S_N3 = slotOf('N3');
const S_N4 = slotOf('N4');
const S_DMG = slotOf('DMG');
const S_NM1 = slotOf('NM1');
const S_N1 = slotOf('N1');
const S_CLM = slotOf('CLM');
const S_REF = slotOf('REF');
const S_DTP = slotOf('DTP');
const S_HI = slotOf('HI');
const S_LX = slotOf('LX');
const S_SV1 = slotOf('SV1');
const S_SV3 = slotOf('SV3');
const S_TOO = slotOf('TOO');
/** By slot + 1 (slot -1 at 0): 1 for the segments `Rules.checkEach` looks at. */
const EACH_CHECKED = new Uint8Array(SEGMENT_ID_SLOTS + 1);
for (const slot of [S_HL, S_NM1, S_N1, S_DTP, S_N4]) EACH_CHECKED[slot + 1] = 1;

/** What a guide checks across a transaction set, fed its placed segments in order. */
interface GuideRules {
  /** `s` is the walk's cursor: read it now; keep `s.segment()` for findings reported later. */
  step(s: SegCursor, node: SegNode, loop: string): void;
  end(): void;
}

/**
 * Business rules over one transaction set's placed segments, fed one at a time as the walk places them.
 * Findings are kept by kind (hierarchy, per segment, per guide) and appended in that order at the end.
 */
class Rules {
  private readonly hier = new Report();
  private readonly each = new Report();
  private readonly set = new Report();
  private readonly hls: Hl[] = [];
  /** The text the HL offsets index into. */
  private text = '';
  private readonly guide: GuideRules | undefined;

  constructor(version: string, sep: Separators) {
    this.guide =
      version === '005010X222A1' || version === '005010X224A2'
        ? new Claims837(version === '005010X224A2', sep, this.set)
        : version === '005010X221A1'
          ? balance835(sep, this.set)
          : version === '005010X231A1'
            ? check999(this.set)
            : undefined;
  }

  step(s: SegCursor, node: SegNode, loop: string) {
    // Kept small so that V8 inlines it into the walk: most segments have no check here.
    if (EACH_CHECKED[s.slot + 1] === 1) this.checkEach(s);
    this.guide?.step(s, node, loop);
  }

  /** The NPI in element k, when the element before it qualifies it as one (XX): its check digit. */
  private npi(s: SegCursor, k: number) {
    if (s.is(k - 1, 'XX') && s.len(k) > 0 && !npiAt(s.src, s.start(k), s.end(k)))
      this.each.err('X12_BAD_NPI', s, `NPI '${s.at(k)!}' fails the check digit (Luhn with prefix 80840)`, k);
  }

  /** The per-segment checks of every guide (NPI, dates, N4), in place; HL kept for the hierarchy. */
  private checkEach(s: SegCursor) {
    const src = s.src;
    // Values are checked in place and sliced only for a message.
    switch (s.slot) {
      case S_HL:
        this.text = src;
        this.hls.push(hlOf(s));
        break;
      case S_NM1:
        this.npi(s, 9);
        break;
      case S_N1:
        this.npi(s, 4);
        break;
      case S_DTP:
        if (s.len(3) > 0 && !(s.is(2, 'D8') && dateAt(src, s.start(3), s.end(3)))) {
          const v = s.at(3)!;
          const fmt = s.at(2);
          const ok =
            fmt === 'D8'
              ? dateValid(v)
              : fmt === 'RD8'
                ? /^\d{8}-\d{8}$/.test(v) &&
                  dateValid(v.slice(0, 8)) &&
                  dateValid(v.slice(9)) &&
                  v.slice(0, 8) <= v.slice(9)
                : true;
          if (!ok) this.each.err('X12_BAD_DATE', s, `'${v}' is not a valid ${fmt ?? ''} date`, 3);
        }
        break;
      case S_N4: {
        // /^[A-Z]{2}$/ and /^\d{5}(\d{4})?$/ as char-code checks.
        const a2 = s.start(2);
        if (s.len(2) > 0 && !(s.len(2) === 2 && upper(src.charCodeAt(a2)) && upper(src.charCodeAt(a2 + 1))))
          this.each.err('X12_BAD_CODE', s, `state '${s.at(2)!}' must be a two-letter code`, 2);
        if (
          s.len(3) > 0 &&
          s.len(4) === 0 &&
          !digitsAt(src, s.start(3), s.end(3), 5) &&
          !digitsAt(src, s.start(3), s.end(3), 9)
        )
          this.each.err('X12_BAD_ZIP', s, `US postal code '${s.at(3)!}' must be 5 or 9 digits`, 3);
        break;
      }
      default:
        break;
    }
  }

  finish(r: Report) {
    hierarchy(this.text, this.hls, this.hier);
    this.guide?.end();
    r.merge(this.hier);
    r.merge(this.each);
    r.merge(this.set);
  }
}

/**
 * An HL segment's elements 1-4 as offsets into the text (`a` inclusive, `b` exclusive; -1 when the
 * element is absent), kept for the hierarchy check and read in place there.
 */
interface Hl {
  n: number;
  a1: number;
  b1: number;
  a2: number;
  b2: number;
  a3: number;
  b3: number;
  a4: number;
  b4: number;
}

function hlOf(s: SegCursor): Hl {
  const n = s.count;
  // Element k spans pos[k - 1] + 1 to pos[k] (the segment's end for the last one).
  const pos = s.positions;
  const end = s.segmentEnd;
  return {
    n: s.n,
    a1: n >= 1 ? pos[0]! + 1 : -1,
    b1: n > 1 ? pos[1]! : n === 1 ? end : -1,
    a2: n >= 2 ? pos[1]! + 1 : -1,
    b2: n > 2 ? pos[2]! : n === 2 ? end : -1,
    a3: n >= 3 ? pos[2]! + 1 : -1,
    b3: n > 3 ? pos[3]! : n === 3 ? end : -1,
    a4: n >= 4 ? pos[3]! + 1 : -1,
    b4: n > 4 ? pos[4]! : n === 4 ? end : -1,
  };
}

/** An HL segment for a finding: its id and number are all a finding names. */
function hlSegment(n: number): Segment {
  return { el: ['HL'], n, offset: 0 };
}

/** src[a, b) as `el[k] ?? ''` would give it (absent, a < 0, is ''). */
function textAt(src: string, a: number, b: number): string {
  return a < 0 ? '' : src.slice(a, b);
}

/** HL03 hierarchical level src[a, b): the usual codes as literals (no string made), others sliced. */
function levelAt(src: string, a: number, b: number): string {
  if (b - a === 2) {
    const c0 = src.charCodeAt(a);
    const c1 = src.charCodeAt(a + 1);
    if (c0 === 50) {
      if (c1 === 48) return '20';
      if (c1 === 50) return '22';
      if (c1 === 51) return '23';
      if (c1 === 49) return '21';
    } else if (c0 === 49 && c1 === 57) return '19';
    else if (c0 === 80 && c1 === 84) return 'PT';
  }
  return textAt(src, a, b);
}

/** The levels an HL03 level's HL02 parent may have (837 and 277CA hierarchies), undefined when unconstrained. */
function parentLevels(level: string): string[] | undefined {
  // Compared, not looked up by property: HL03 may be a fresh slice, and a keyed lookup would intern it first.
  return level === '22'
    ? PARENT_22
    : level === '23'
      ? PARENT_23
      : level === '21'
        ? PARENT_21
        : level === '19'
          ? PARENT_19
          : level === 'PT'
            ? PARENT_PT
            : undefined;
}
const PARENT_22 = ['20'];
const PARENT_23 = ['22'];
const PARENT_21 = ['20'];
const PARENT_19 = ['21'];
const PARENT_PT = ['19'];

/**
 * HL ids as small array indexes: a canonical decimal src[a, b) below `limit` ("7", not "07") is its
 * number, anything else -1 (and is looked up by string instead). Canonical decimals and numbers map one
 * to one, so the two lookups together give what one string-keyed Map would, without making the id.
 */
function hlIndex(src: string, a: number, b: number, limit: number): number {
  const n = b - a;
  if (a < 0 || n === 0 || n > 9 || (n > 1 && src.charCodeAt(a) === 48)) return -1;
  let x = 0;
  for (let i = a; i < b; i++) {
    const d = src.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x < limit ? x : -1;
}

/** HL01 sequential, HL02 names an earlier HL of the right level, HL04 says whether children follow. */
function hierarchy(src: string, hls: Hl[], r: Report) {
  const limit = 2 * hls.length + 16;
  // By HL id: the level of the last HL with that id, and the index of the last HL naming it as parent.
  const levelById = new Array<string | undefined>(limit).fill(undefined);
  const levels = new Map<string, string>();
  const lastChildAt = new Int32Array(limit).fill(-1);
  const lastChild = new Map<string, number>();
  for (let idx = 0; idx < hls.length; idx++) {
    const hl = hls[idx]!;
    const h = hlIndex(src, hl.a2, hl.b2, limit);
    if (h >= 0) lastChildAt[h] = idx;
    else lastChild.set(textAt(src, hl.a2, hl.b2), idx);
  }
  let expect = 1;
  for (let idx = 0; idx < hls.length; idx++) {
    const hl = hls[idx]!;
    const level = levelAt(src, hl.a3, hl.b3);
    const ih = hlIndex(src, hl.a1, hl.b1, limit);
    // id !== String(expect), without the string for the usual whole numbers.
    if (
      Number.isSafeInteger(expect) && expect >= 0
        ? hl.a1 < 0 || !equalsDecimal(src, hl.a1, hl.b1, expect)
        : textAt(src, hl.a1, hl.b1) !== String(expect)
    )
      r.err(
        'X12_HL_SEQUENCE',
        hlSegment(hl.n),
        `HL01 '${textAt(src, hl.a1, hl.b1)}' should be ${expect} (HL ids count up from 1)`,
        1,
      );
    // Number(id) + 1 || expect + 1; a canonical id below the limit is its index.
    expect = (ih >= 0 ? ih : Number(textAt(src, hl.a1, hl.b1))) + 1 || expect + 1;
    const want = parentLevels(level);
    if (hl.b2 > hl.a2) {
      const ph = hlIndex(src, hl.a2, hl.b2, limit);
      const pl = ph >= 0 ? levelById[ph] : levels.get(textAt(src, hl.a2, hl.b2));
      if (pl === undefined)
        r.err(
          'X12_HL_PARENT',
          hlSegment(hl.n),
          `HL02 parent '${textAt(src, hl.a2, hl.b2)}' is not an earlier HL`,
          2,
        );
      else if (want && !want.includes(pl))
        r.err(
          'X12_HL_PARENT',
          hlSegment(hl.n),
          `HL02 parent '${textAt(src, hl.a2, hl.b2)}' is level ${pl}; a level ${level} HL needs a parent of level ${want.join('/')}`,
          2,
        );
    } else if (want)
      r.err('X12_HL_PARENT', hlSegment(hl.n), `level ${level} HL must name its parent in HL02`, 2);
    if (ih >= 0) levelById[ih] = level;
    else levels.set(textAt(src, hl.a1, hl.b1), level);
    const hasChild = (ih >= 0 ? lastChildAt[ih]! : (lastChild.get(textAt(src, hl.a1, hl.b1)) ?? -1)) > idx;
    // HL04 '1' or '0' exactly.
    const child = hl.b4 - hl.a4 === 1 ? src.charCodeAt(hl.a4) : -1;
    if (child === 49 && !hasChild)
      r.err('X12_HL_CHILD', hlSegment(hl.n), 'HL04 is 1 but no HL names this one as its parent', 4);
    if (child === 48 && hasChild)
      r.err('X12_HL_CHILD', hlSegment(hl.n), 'HL04 is 0 but a later HL names this one as its parent', 4);
  }
}

const POS: ReadonlySet<string> = new Set(POS_CODES);
const ZIP9_LOOPS: ReadonlySet<string> = new Set(['2010AA', '2310C', '2420C', '2420D']);
/** HI01-1 principal diagnosis qualifiers, then the other-diagnosis ones (ICD-10 first). */
const DX_PRINCIPAL = ['ABK', 'BK'];
const DX_OTHER = ['ABF', 'BF'];
/** SV304 oral cavity designation codes. */
const ORAL_CAVITY_CODES: ReadonlySet<string> = new Set([
  '00',
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
  '20',
  '30',
  '40',
]);

/** `(el[k] ?? '').split(component).filter((x) => x !== '')`, found with indexOf inside the element. */
function nonEmptyParts(s: SegCursor, k: number, component: string): string[] {
  const out: string[] = [];
  if (s.len(k) === 0) return out;
  const src = s.src;
  const b = s.end(k);
  let a = s.start(k);
  for (;;) {
    let z = src.indexOf(component, a);
    if (z < 0 || z >= b) z = b;
    if (z > a) out.push(src.slice(a, z));
    if (z === b) return out;
    a = z + 1;
  }
}

const PART_BIT: Record<string, number> = { N3: 1, N4: 2, DMG: 4 };

/** `!!s.part(k, 2, component)` in place: element k has a second component and it is not empty. */
function secondPartPresent(s: SegCursor, k: number, comp: number): boolean {
  if (s.count < k) return false;
  const src = s.src;
  const b = s.end(k);
  let i = s.start(k);
  while (i < b && src.charCodeAt(i) !== comp) i++;
  return i + 1 < b && src.charCodeAt(i + 1) !== comp;
}

/** src[a, b) === String(n) for a non-negative integer n, compared in place. */
function equalsDecimal(src: string, a: number, b: number, n: number): boolean {
  let i = b;
  do {
    const digit = n % 10;
    if (i <= a || src.charCodeAt(--i) !== 48 + digit) return false;
    n = (n - digit) / 10;
  } while (n > 0);
  return i === a;
}

/**
 * Whether the diagnosis pointers in element k are certainly fine (at most 4, each a canonical 1-2 digit
 * number from 1 to `max`, none repeated), read in place; false means "check them the long way".
 */
function pointersClean(s: SegCursor, k: number, comp: number, max: number): boolean {
  if (s.len(k) === 0) return true;
  const src = s.src;
  const b = s.end(k);
  let seen = 0;
  let count = 0;
  for (let i = s.start(k); i <= b; i++) {
    if (i === b || src.charCodeAt(i) === comp) continue;
    const d0 = src.charCodeAt(i) - 48;
    if (d0 < 1 || d0 > 9) return false;
    let v = d0;
    if (i + 1 < b && src.charCodeAt(i + 1) !== comp) {
      const d1 = src.charCodeAt(++i) - 48;
      if (d1 < 0 || d1 > 9) return false;
      v = v * 10 + d1;
      if (i + 1 < b && src.charCodeAt(i + 1) !== comp) return false;
    }
    if (v > max || v > 30 || seen & (1 << v) || ++count > 4) return false;
    seen |= 1 << v;
  }
  return true;
}

/** Number(el[k]) > 0 for plain decimals (digits, at most one point) read in place; false: ask Number. */
function positiveAt(s: SegCursor, k: number): boolean {
  if (s.len(k) === 0) return false;
  const src = s.src;
  const b = s.end(k);
  let dot = false;
  let digits = false;
  let nonZero = false;
  for (let i = s.start(k); i < b; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 46 && !dot) dot = true;
    else if (ch >= 48 && ch <= 57) {
      digits = true;
      if (ch !== 48) nonZero = true;
    } else return false;
  }
  return digits && nonZero;
}

const POS_PACKED = new PackedCodes(POS_CODES);
/** POS.has(el[k]) for a non-empty element, looked up without a slice. */
function posAt(s: SegCursor, k: number): boolean {
  const a = s.start(k);
  const b = s.end(k);
  const p = pack(s.src, a, b);
  return p >= 0 ? POS_PACKED.has(p) : !POS_PACKED.allPacked && POS.has(s.src.slice(a, b));
}

const DX_PRINCIPAL_PACKED = new PackedCodes(DX_PRINCIPAL);
const DX_OTHER_PACKED = new PackedCodes(DX_OTHER);
const ICD9_PACKED = new PackedCodes(['BK', 'BF']);

/** /^[A-Z][0-9][0-9A-Z]{1,5}$/ (ICD-10-CM without the dot) over src[a, b), as a char-code scan. */
function icd10At(src: string, a: number, b: number): boolean {
  const n = b - a;
  if (n < 3 || n > 7) return false;
  const c0 = src.charCodeAt(a);
  const c1 = src.charCodeAt(a + 1);
  if (c0 < 65 || c0 > 90 || c1 < 48 || c1 > 57) return false;
  for (let i = a + 2; i < b; i++) {
    const ch = src.charCodeAt(i);
    if (!((ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90))) return false;
  }
  return true;
}

/** Offset of the first `comp` in src[a, b), or b. */
function compEnd(src: string, a: number, b: number, comp: number): number {
  while (a < b && src.charCodeAt(a) !== comp) a++;
  return a;
}

/**
 * The 837P/837D claim rules, fed the placed segments in order: CLM02 against the line charges, CLM05,
 * REF*F8 for replacements and voids, HI qualifiers and ICD-10 form, LX sequence, SV1/SV3 pointers, units
 * and POS, the SBR02/HL agreement and the 2010AA address and ids. A class with its state in fields and
 * one integer dispatch on the segment's id slot: values are read in place and sliced only for a message.
 */
class Claims837 implements GuideRules {
  /** The claim's CLM (its id and number only, for findings). */
  private clm: Segment | undefined = undefined;
  /** CLM02 as offsets into the text (sliced only for a message) and in cents. */
  private totalA = 0;
  private totalB = 0;
  private total: number | undefined = undefined;
  /** CLM05-3 when it is 7 or 8 (replacement or void), else ''. */
  private freq = '';
  private sum = 0;
  private lines = 0;
  private dxCount = 0;
  private claimDate = false;
  private lineDate = true;
  /** The claim has a 2300 REF*F8 (payer claim control number). */
  private f8 = false;
  private sbrSelf: boolean | undefined = undefined;
  private subscriberHl: Segment | undefined = undefined;
  /** HL04 of the subscriber HL is '0'. */
  private subscriberLeaf = false;
  /** Which of N3, N4, DMG (bits 1, 2, 4) 2010BA has. */
  private subscriberParts = 0;
  private readonly comp: number;
  /** The text the offsets above index into (the cursor's). */
  private text = '';

  constructor(
    private readonly dental: boolean,
    private readonly sep: Separators,
    private readonly r: Report,
  ) {
    this.comp = sep.component.charCodeAt(0);
  }

  private finishSubscriber() {
    if (this.subscriberHl && this.sbrSelf) {
      for (const need of ['N3', 'N4', 'DMG'])
        if (!(this.subscriberParts & PART_BIT[need]!))
          this.r.err(
            'X12_MISSING_SEGMENT',
            this.subscriberHl,
            `${need} is required in 2010BA when the subscriber is the patient (SBR02 = 18)`,
          );
    }
  }

  private finishLine(at: Where) {
    if (this.dental && at && this.lines > 0 && !this.lineDate && !this.claimDate)
      this.r.err(
        'X12_MISSING_SEGMENT',
        at,
        'service date DTP*472 is required on the line when the claim has none (2300 DTP*472)',
      );
  }

  private finishClaim() {
    const clm = this.clm;
    if (!clm) return;
    this.finishLine(clm);
    const total = this.total;
    if (total !== undefined && this.lines > 0 && total !== this.sum)
      this.r.err(
        'X12_CLM02_SUM',
        clm,
        `total charge ${this.text.slice(this.totalA, this.totalB)} does not equal the sum of line charges ${(this.sum / 100).toFixed(2)}`,
        2,
      );
    const freq = this.freq;
    if (freq !== '' && !this.f8)
      this.r.err(
        'X12_MISSING_F8',
        clm,
        `frequency ${freq} (replacement/void) needs REF*F8 with the payer's original claim number`,
        5,
        3,
      );
    this.clm = undefined;
  }

  step(s: SegCursor, node: SegNode, loop: string) {
    const slot = s.slot;
    const r = this.r;
    switch (slot) {
      case S_HL:
        this.finishClaim();
        if (s.is(3, '22')) {
          this.finishSubscriber();
          this.subscriberHl = { el: ['HL'], n: s.n, offset: 0 };
          this.subscriberLeaf = s.is(4, '0');
          this.subscriberParts = 0;
          this.sbrSelf = undefined;
        } else if (s.is(3, '23') && this.sbrSelf === true)
          r.err(
            'X12_SBR02',
            s,
            'a patient HL follows a subscriber whose SBR02 says the subscriber is the patient (18)',
          );
        break;
      case S_SBR: {
        const self = s.is(2, '18');
        this.sbrSelf = self;
        if (this.subscriberHl && this.subscriberLeaf !== self && loop === '2000B')
          r.err(
            'X12_SBR02',
            s,
            this.subscriberLeaf
              ? 'SBR02 must be 18 when the subscriber is the patient (no 2000C patient HL)'
              : 'SBR02 must be empty when a 2000C patient HL follows',
            2,
          );
        break;
      }
      case S_N3:
        if (loop === '2010BA') this.subscriberParts |= 1;
        // 2010AA billing provider address must be a street address (a PO box goes in 2010AB pay-to).
        if (loop === '2010AA' && /\bP\.?\s*O\.?\s*BOX\b|\bPOST OFFICE BOX\b/i.test(`${s.get(1)} ${s.get(2)}`))
          r.err(
            'X12_BILLING_PO_BOX',
            s,
            'billing provider address must be a street address, not a PO box (use 2010AB)',
            1,
          );
        break;
      case S_N4:
        if (loop === '2010BA') this.subscriberParts |= 2;
        // 2010AA / 2310C / 2420C: a US address needs the full nine-digit ZIP code.
        // (zip && ZIP9_LOOPS.has(loop) && !N404 && !/^\d{9}$/.test(zip)), read in place.
        if (
          s.len(3) > 0 &&
          ZIP9_LOOPS.has(loop) &&
          s.len(4) === 0 &&
          !digitsAt(s.src, s.start(3), s.end(3), 9)
        )
          r.err('X12_ZIP9', s, `ZIP code '${s.at(3)!}' must be the full nine digits in loop ${loop}`, 3);
        break;
      case S_DMG:
        if (loop === '2010BA') this.subscriberParts |= 4;
        break;
      case S_NM1:
        if (loop === '2010AA' && s.is(2, '2') && !s.is(8, 'XX'))
          r.err('X12_BAD_CODE', s, 'billing provider must be identified by NPI (NM108 XX)', 8);
        break;
      case S_CLM:
        this.claim(s);
        break;
      case S_REF:
        if (this.clm && loop === '2300' && s.is(1, 'F8')) this.f8 = true;
        if (loop === '2010AA' && s.is(1, 'EI') && !/^\d{9}$/.test(s.get(2)))
          r.err(
            'X12_BAD_EIN',
            s,
            `employer identification number '${s.get(2)}' must be nine digits, no dash`,
            2,
          );
        break;
      case S_DTP:
        if (this.clm && s.is(1, '472')) {
          if (loop === '2300') this.claimDate = true;
          else if (loop === '2400') this.lineDate = true;
        }
        break;
      case S_HI:
        if (this.clm && node.q?.codes.includes('ABK')) this.diagnoses(s);
        break;
      case S_LX:
        if (this.clm) {
          this.finishLine(s);
          this.lines++;
          this.lineDate = false;
          if (!(s.count >= 1 && equalsDecimal(s.src, s.start(1), s.end(1), this.lines)))
            r.err('X12_LX_SEQUENCE', s, `LX01 '${s.at(1) ?? ''}' should be ${this.lines}`, 1);
        }
        break;
      case S_SV1:
      case S_SV3:
        if (this.clm) this.line(s, slot === S_SV1);
        break;
      case S_TOO: {
        const tooth = s.at(2);
        if (tooth && !/^([1-9]|[1-2][0-9]|3[0-2]|[A-T]|5[1-9]|[6-7][0-9]|8[0-2]|[A-T]S)$/.test(tooth))
          r.err('X12_BAD_TOOTH', s, `'${tooth}' is not a tooth number (1-32, A-T, 51-82, AS-TS)`, 2);
        break;
      }
      default:
        break;
    }
  }

  private claim(s: SegCursor) {
    const src = s.src;
    const r = this.r;
    const comp = this.comp;
    this.finishClaim();
    this.text = src;
    this.clm = { el: ['CLM'], n: s.n, offset: 0 };
    if (s.count >= 2) {
      this.totalA = s.start(2);
      this.totalB = s.end(2);
    } else this.totalA = this.totalB = 0;
    this.total = parseCentsAt(src, this.totalA, this.totalB);
    this.sum = 0;
    this.lines = 0;
    this.claimDate = false;
    this.lineDate = true;
    this.f8 = false;
    this.dxCount = 0;
    const pcn = s.len(1);
    if (pcn > 20)
      r.err(
        'X12_CLM01_LENGTH',
        s,
        `patient control number is ${pcn} characters; receivers keep at most 20`,
        1,
      );
    // CLM05: place of service, facility code qualifier and frequency code, read in place.
    let a1 = 0;
    let b1 = 0;
    let b2 = -1;
    let b3 = -1;
    if (s.count >= 5) {
      const b = s.end(5);
      a1 = s.start(5);
      b1 = compEnd(src, a1, b, comp);
      if (b1 < b) b2 = compEnd(src, b1 + 1, b, comp);
      if (b2 >= 0 && b2 < b) b3 = compEnd(src, b2 + 1, b, comp);
    }
    if (b1 > a1) {
      const p = pack(src, a1, b1);
      if (!(p >= 0 ? POS_PACKED.has(p) : !POS_PACKED.allPacked && POS.has(src.slice(a1, b1))))
        r.err('X12_BAD_POS', s, `'${src.slice(a1, b1)}' is not a CMS place of service code`, 5, 1);
    }
    // CLM05-2 and CLM05-3 present and not empty.
    if (!(b2 > b1 + 1) || !(b3 > b2 + 1))
      r.err('X12_REQUIRED_ELEMENT', s, 'CLM05 needs place of service, qualifier B and frequency code', 5);
    const f = b3 === b2 + 2 ? src.charCodeAt(b2 + 1) : 0;
    this.freq = f === 55 ? '7' : f === 56 ? '8' : '';
  }

  private diagnoses(s: SegCursor) {
    const src = s.src;
    const r = this.r;
    const comp = this.comp;
    const n = s.count;
    this.dxCount = n;
    for (let k = 1; k <= n; k++) {
      const a = s.start(k);
      const b = s.end(k);
      const z = compEnd(src, a, b, comp);
      // Component 2 (the code): up to the next component separator; none at all is ''.
      const ca = z < b ? z + 1 : b;
      const cb = z < b ? compEnd(src, ca, b, comp) : b;
      if (z > a) {
        const want = k === 1 ? DX_PRINCIPAL_PACKED : DX_OTHER_PACKED;
        const p = pack(src, a, z);
        if (p < 0 || !want.has(p)) {
          const names = k === 1 ? DX_PRINCIPAL : DX_OTHER;
          r.err(
            'X12_BAD_CODE',
            s,
            `diagnosis qualifier '${src.slice(a, z)}' must be ${names[0] ?? ''} here`,
            k,
            1,
          );
        }
        if (p >= 0 && ICD9_PACKED.has(p))
          r.err(
            'X12_ICD9',
            s,
            'ICD-9 qualifiers BK/BF are not valid for dates of service after 2015-09-30; use ABK/ABF',
            k,
            1,
          );
      }
      if (!icd10At(src, ca, cb))
        r.err('X12_BAD_ICD10', s, `'${src.slice(ca, cb)}' is not an ICD-10-CM code without the dot`, k, 2);
    }
  }

  private line(s: SegCursor, sv1: boolean) {
    const r = this.r;
    const component = this.sep.component;
    const comp = this.comp;
    const amt = s.len(2) > 0 ? parseCentsAt(s.src, s.start(2), s.end(2)) : undefined;
    if (amt !== undefined) this.sum += amt;
    // SV101-2 / SV301-2: the 837P needs it present; the 837D also reads it (a CDT code).
    const proc = sv1 ? undefined : s.part(1, 2, component);
    if (sv1 ? !secondPartPresent(s, 1, comp) : !proc)
      r.err('X12_REQUIRED_ELEMENT', s, 'procedure code is missing', 1, 2);
    if (!sv1 && proc && !/^D\d{4}$/.test(proc))
      r.err('X12_BAD_CDT', s, `'${proc}' is not a CDT code (Dnnnn)`, 1, 2);
    const ptrEl = sv1 ? 7 : 11;
    const dxCount = this.dxCount;
    // The findings below need the pointers as strings only when one of them is wrong.
    const ptrs = pointersClean(s, ptrEl, comp, dxCount || 12) ? [] : nonEmptyParts(s, ptrEl, component);
    if (ptrs.length > 4) r.err('X12_POINTERS', s, 'at most 4 diagnosis pointers', ptrEl);
    for (let j = 0; j < ptrs.length; j++) {
      const x = ptrs[j]!;
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1 || n > (dxCount || 12))
        r.err(
          'X12_POINTERS',
          s,
          `diagnosis pointer '${x}' does not point at one of the ${dxCount} diagnosis codes`,
          ptrEl,
          j + 1,
        );
    }
    for (let j = 1; j < ptrs.length; j++)
      if (ptrs.indexOf(ptrs[j]!) !== j) {
        r.err('X12_POINTERS', s, 'diagnosis pointers repeat', ptrEl);
        break;
      }
    const unitsEl = sv1 ? 4 : 6;
    if (!positiveAt(s, unitsEl) && !(Number(s.at(unitsEl)) > 0))
      r.err('X12_UNITS', s, 'units must be greater than zero', unitsEl);
    const posEl = sv1 ? 5 : 3;
    if (s.len(posEl) > 0 && !posAt(s, posEl))
      r.err('X12_BAD_POS', s, `'${s.at(posEl)!}' is not a CMS place of service code`, posEl);
    if (!sv1 && s.at(4)) {
      const areas = s.get(4).split(component);
      for (let j = 0; j < areas.length; j++) {
        const a = areas[j]!;
        if (a && !ORAL_CAVITY_CODES.has(a))
          r.err('X12_BAD_CODE', s, `'${a}' is not an oral cavity designation code`, 4, j + 1);
      }
    }
  }

  end() {
    this.finishClaim();
    this.finishSubscriber();
  }
}

/** 835 balancing (X221A1 section 1.10.2): claim, service line and transaction level. */
function balance835(sep: Separators, r: Report): GuideRules {
  let bpr: Segment | undefined;
  let paidTotal = 0;
  let plbTotal = 0;
  let clp: Segment | undefined;
  let claimAdj = 0;
  let svcAdj = 0;
  let svc: Segment | undefined;
  let svcSumAdj = 0;
  const finishSvc = () => {
    if (!svc) return;
    const charge = parseCents(svc.el[2] ?? '');
    const paid = parseCents(svc.el[3] ?? '');
    if (charge !== undefined && paid !== undefined && charge - paid !== svcAdj)
      r.err(
        'X12_835_SVC_BALANCE',
        svc,
        `service charge ${svc.el[2] ?? ''} − paid ${svc.el[3] ?? ''} does not equal its adjustments ${(svcAdj / 100).toFixed(2)}`,
        2,
      );
    svcSumAdj += svcAdj;
    svc = undefined;
    svcAdj = 0;
  };
  const finishClp = () => {
    finishSvc();
    if (!clp) return;
    const charge = parseCents(clp.el[3] ?? '');
    const paid = parseCents(clp.el[4] ?? '');
    if (charge !== undefined && paid !== undefined && charge - paid !== claimAdj + svcSumAdj)
      r.err(
        'X12_835_CLAIM_BALANCE',
        clp,
        `claim charge ${clp.el[3] ?? ''} − paid ${clp.el[4] ?? ''} does not equal the claim and line adjustments ${((claimAdj + svcSumAdj) / 100).toFixed(2)}`,
        3,
      );
    clp = undefined;
  };
  // The few segments balancing reads are made into Segments (kept until their totals are known).
  const step = (c: SegCursor) => {
    const id = c.id;
    if (id === 'BPR' || id === 'CLP' || id === 'SVC' || id === 'CAS' || id === 'PLB' || id === 'SE')
      stepSegment(c.segment());
  };
  const stepSegment = (s: Segment) => {
    const el = s.el;
    switch (el[0] ?? '') {
      case 'BPR':
        bpr = s;
        break;
      case 'CLP':
        finishClp();
        clp = s;
        claimAdj = 0;
        svcSumAdj = 0;
        paidTotal += parseCents(el[4] ?? '') ?? 0;
        break;
      case 'SVC':
        finishSvc();
        svc = s;
        break;
      case 'CAS': {
        let t = 0;
        for (let k = 3; k <= 18; k += 3) if (el[k]) t += parseCents(el[k] ?? '') ?? 0;
        if (svc) svcAdj += t;
        else if (clp) claimAdj += t;
        break;
      }
      case 'PLB':
        finishClp();
        for (let k = 3; k < el.length; k += 2) {
          if (!el[k]) continue;
          const reason = (el[k] ?? '').split(sep.component)[0] ?? '';
          if (!(PLB_REASONS as readonly string[]).includes(reason))
            r.err('X12_BAD_CODE', s, `'${reason}' is not a provider adjustment reason code`, k, 1);
          plbTotal += parseCents(el[k + 1] ?? '') ?? 0;
        }
        break;
      case 'SE':
        finishClp();
        break;
      default:
        break;
    }
  };
  const end = () => {
    if (!bpr) return;
    const amt = parseCents(bpr.el[2] ?? '');
    const sign = bpr.el[3] === 'D' ? -1 : 1;
    if (amt !== undefined && sign * amt !== paidTotal - plbTotal)
      r.err(
        'X12_835_BPR_BALANCE',
        bpr,
        `payment ${bpr.el[2] ?? ''} does not equal claim payments ${(paidTotal / 100).toFixed(2)} minus provider adjustments ${(plbTotal / 100).toFixed(2)}`,
        2,
      );
  };
  return { step, end };
}

function check999(r: Report): GuideRules {
  let ak2 = 0;
  let accepted = 0;
  const step = (c: SegCursor) => {
    const id = c.id;
    if (id === 'AK2' || id === 'IK5' || id === 'AK9') stepSegment(c.segment());
  };
  const stepSegment = (s: Segment) => {
    const el = s.el;
    if (el[0] === 'AK2') ak2++;
    if (el[0] === 'IK5' && (el[1] === 'A' || el[1] === 'E')) accepted++;
    if (el[0] === 'AK9') {
      const [, code, inc, rec, acc] = el;
      if (Number(rec) > Number(inc)) r.err('X12_999_COUNTS', s, 'received count exceeds included count', 3);
      if (Number(acc) > Number(rec)) r.err('X12_999_COUNTS', s, 'accepted count exceeds received count', 4);
      // Only when every set has its AK2 (some 999s list only the rejected ones).
      if (ak2 > 0 && ak2 === Number(inc) && Number(acc) !== accepted)
        r.err('X12_999_COUNTS', s, `AK904 says ${acc ?? ''} accepted, IK5 segments accept ${accepted}`, 4);
      const want = Number(acc) === 0 ? 'R' : Number(acc) < Number(rec) ? 'P' : undefined;
      if (want && code !== want && !(want === 'R' && code === 'R'))
        r.err('X12_999_STATUS', s, `AK901 '${code ?? ''}' disagrees with the counts (expected ${want})`, 1);
    }
  };
  return { step, end: () => undefined };
}

// One instance of each class made per file, kept for the process's life (see LIVE_MAPS in tokenize.ts):
// after a full GC with no validation running, new maps would deoptimize walk, elements and the rules.
LIVE_MAPS.add(new Report());
LIVE_MAPS.add(new Rules('005010X222A1', { element: '*', component: ':', repetition: '^', segment: '~' }));
LIVE_MAPS.add(
  new Counts({ t: 'l', id: '', usage: 'S', max: 1, name: '', kids: [], pos: 0, byId: undefined }),
);

// One regular expression per implementation-guide segment node (and separator set) that matches exactly
// the segments the validator's element checks pass clean, or a subset of them: a whole segment is then
// checked by one native regex run instead of a JavaScript loop over its elements, and the validator
// builds findings (its general path) only for a segment the regex does not match. Whatever the regex
// cannot express exactly (DTP date ranges, 29 February, combined component rules) it leaves out: a
// clean segment sent down the general path costs time, never a finding. A segment the regex matches
// also holds no control character, so the validator's search for them skips it.
import type { ElDef } from './dictionary.js';
import type { Separators } from './types.js';

/** What `elements` checks at one element position (k = 1..), as the validator resolves it per node. */
export interface PositionRules {
  /** Must be non-empty (base-standard mandatory or guide-required). */
  need: boolean;
  /** Must be empty (guide "not used"). */
  none: boolean;
  /** Dictionary definition, undefined past the dictionary's last element. */
  def: ElDef | undefined;
  /** Codes of the element as a whole, or undefined. */
  codes: readonly string[] | undefined;
  /** Codes of one component (1-based), or of every component ('*'). */
  parts: { j: number | '*'; codes: readonly string[] }[];
}

/**
 * The control characters X12_BAD_CHARACTER reports (C0 but tab, LF and CR; DEL), as class ranges: the
 * same set as `CONTROL_CHARACTER` in the validator.
 */
const CONTROL_RANGES = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f';

/** `ch` as a regex atom that matches only that character (inside or outside a class). */
function esc(ch: string): string {
  return /[A-Za-z0-9]/.test(ch) ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function literal(s: string): string {
  let out = '';
  for (const ch of s) {
    // A character outside the BMP would need two escapes: such a code never matches here (bail out).
    if (ch.length !== 1) return '(?!)';
    out += esc(ch);
  }
  return out;
}

/** Codes, longest first (an alternation tries them in order and an element has to end after one). */
function alternation(codes: string[]): string {
  if (codes.length === 0) return '(?!)';
  const sorted = [...new Set(codes)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return `(?:${sorted.map(literal).join('|')})`;
}

/** Whole number `-?\d+`, digits counted for length (X12 numeric length rules). */
const WHOLE = /^-?\d+$/;
/** Decimal `-?(digits, at most one point)` with a digit. */
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)$/;
/** CCYYMMDD real dates except 29 February (left to the general path, which knows leap years). */
const DATE =
  '\\d{4}(?:(?:0[13578]|1[02])(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)(?:0[1-9]|[12]\\d|30)|02(?:0[1-9]|1\\d|2[0-8]))';

function digitsOf(v: string): number {
  let n = 0;
  for (const ch of v) if (ch >= '0' && ch <= '9') n++;
  return n;
}

/**
 * The pattern of one non-empty simple element's value, or undefined when it cannot be expressed.
 * `x` is the character class of a value character (no separator of any kind, no line break).
 */
function valuePattern(
  def: ElDef,
  codes: readonly string[] | undefined,
  x: string,
  bad: RegExp,
): string | undefined {
  const lo = Math.max(def.min, 1);
  const hi = def.max > 0 ? def.max : Infinity;
  const within = (len: number) => len >= lo && len <= hi;
  const range = `{${lo},${hi === Infinity ? '' : hi}}`;
  switch (def.type) {
    case 'AN':
    case 'ID':
      if (codes) return alternation(codes.filter((v) => within(v.length) && !bad.test(v)));
      return `${x}${range}`;
    case 'N0':
    case 'N2':
      if (codes) return alternation(codes.filter((v) => WHOLE.test(v) && within(digitsOf(v))));
      return `-?\\d${range}`;
    case 'R':
      if (codes) return alternation(codes.filter((v) => DECIMAL.test(v) && within(digitsOf(v))));
      // Digits around one point (the lookahead counts the run: digit count = run - 1), else digits only.
      // The point form goes first: digits alone would match the front of "12.5" and end the element there.
      return `-?(?:(?=[\\d.]{${lo + 1},${hi === Infinity ? '' : hi + 1}}(?![\\d.]))\\d*\\.\\d*|\\d${range})`;
    case 'DT':
      if (codes) return undefined;
      return within(8) ? DATE : '(?!)';
    case 'TM':
      if (codes) return undefined;
      // HHMM[SS[d[d]]]; the lookahead holds the digit run to the length range.
      return `(?=\\d${range}(?!\\d))(?:[01]\\d|2[0-3])[0-5]\\d(?:[0-5]\\d(?:\\d{1,2})?)?`;
    case 'C':
      // Composites are built by segmentRegex from their component rules.
      return undefined;
  }
}

/**
 * The regex (sticky) of a clean `id` segment with these position rules and separators, or undefined
 * when some rule has no exact pattern. The caller also checks that the match ends at the segment's
 * end and that the segment does not end with an element separator.
 */
export function segmentRegex(
  id: string,
  dictLen: number,
  positions: PositionRules[],
  sep: Separators,
): RegExp | undefined {
  const seps = [sep.element, sep.component, sep.repetition, sep.segment[0] ?? ''].filter((s) => s !== '');
  if (seps.some((s) => s.length !== 1)) return undefined;
  const [e, c] = [esc(sep.element), esc(sep.component)];
  // No class admits a control character the validator reports (X12_BAD_CHARACTER): a segment the regex
  // matches holds none, and the validator looks for them only in the segments it did not match.
  const ex = (chars: string[]) =>
    `[^${[...new Set([...chars, '\r', '\n'])].map(esc).join('')}${CONTROL_RANGES}]`;
  /** A simple element's character: no separator at all. */
  const x = ex(seps);
  const bad = new RegExp(x.replace('[^', '['));
  /** A composite's character: anything but the element and segment separators. */
  const xc = ex([sep.element, sep.segment[0] ?? sep.element]);
  /** A component's character. */
  const xp = ex([sep.element, sep.component, sep.segment[0] ?? sep.element]);
  // An element the guide requires past the dictionary's last one can never be there: no clean segment.
  for (let k = dictLen + 1; k < positions.length; k++) if (positions[k]?.need) return /(?!)/y;
  const elems: string[] = [];
  let lastNeeded = 0;
  for (let k = 1; k <= dictLen; k++) {
    const p = positions[k];
    const def = p?.def;
    if (!p || !def) return undefined;
    let v: string | undefined;
    if (def.type === 'C') {
      if (p.codes) return undefined;
      if (p.parts.length === 0) v = `${xc}+`;
      else if (p.parts.length === 1 && p.parts[0]!.j === '*') {
        const comp = `${alternation(p.parts[0]!.codes.filter((s) => !bad.test(s)))}?`;
        v = `(?=${xc})${comp}(?:${c}${comp})*`;
      } else {
        const byJ = new Map<number, readonly string[]>();
        for (const part of p.parts) {
          if (part.j === '*' || byJ.has(part.j) || !(part.j >= 1)) return undefined;
          byJ.set(part.j, part.codes);
        }
        const top = Math.max(...byJ.keys());
        // Components 1..top as the rules say, anything after them.
        let tail = `(?:${c}${xc}*)?`;
        for (let j = top; j >= 1; j--) {
          const codes = byJ.get(j);
          const comp = codes ? `${alternation(codes.filter((s) => !bad.test(s)))}?` : `${xp}*`;
          tail = j === 1 ? `${comp}${tail}` : `(?:${c}${comp}${tail})?`;
        }
        v = `(?=${xc})${tail}`;
      }
    } else {
      if (p.parts.length > 0) return undefined;
      v = valuePattern(def, p.codes, x, bad);
      if (v === undefined) return undefined;
    }
    if (p.none) elems.push('');
    else if (p.need) {
      elems.push(v);
      lastNeeded = k;
    } else elems.push(`(?:${v})?`);
  }
  // Elements past the last required one may be left off: each is an optional group inside the one before.
  let rest = '';
  for (let k = dictLen; k > lastNeeded; k--) rest = `(?:${e}${elems[k - 1]!}${rest})?`;
  let head = literal(id);
  for (let k = 1; k <= lastNeeded; k++) head += `${e}${elems[k - 1]!}`;
  return new RegExp(head + rest, 'y');
}

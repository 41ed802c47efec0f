// X12 tokenizer: delimiters come from the fixed-width ISA (element separator at ISA position 3,
// repetition ISA11 at 82, component ISA16 at 104, segment terminator at 105), never assumed.
// Newlines after terminators (CR, LF, CRLF) and a BOM are tolerated. Streaming: push chunks, get segments.
import type { Diagnostic } from '../../appliance/domain/types.js';
import { DICTIONARY } from './dictionary.js';
import type { Segment, Separators } from './types.js';

export const ISA_LENGTH = 106;

/** Read the delimiters from the first 106 characters of an interchange. */
export function detectSeparators(isa: string): { separators?: Separators; diagnostics: Diagnostic[] } {
  if (!isa.startsWith('ISA') || isa.length < ISA_LENGTH) {
    return {
      diagnostics: [
        {
          code: 'X12_NO_ISA',
          message: 'file does not start with a 106-character ISA segment',
          severity: 'error',
          segment: 'ISA',
          position: 1,
        },
      ],
    };
  }
  const element = isa[3]!;
  let repetition = isa[82]!;
  let component = isa[104]!;
  let term = isa[105]!;
  let after = 106;
  const diagnostics: Diagnostic[] = [];
  // Every ISA element has a fixed width, so the separators sit at fixed positions.
  const fixed = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];
  if (fixed.some((i) => isa[i] !== element)) {
    diagnostics.push({
      code: 'X12_ISA_WIDTH',
      message: 'ISA elements are not at their fixed widths (ISA must be exactly 106 characters)',
      severity: 'error',
      segment: 'ISA',
      position: 1,
    });
    // Still an error, but read on as translators do: the separators by counting ISA's elements
    // (ISA16 is one character, the terminator follows it), so that the rest of the file is checked
    // with the separators its sender meant and its findings are real ones, not made up by the
    // wrong terminator.
    const counted = countedIsa(isa, element);
    if (counted) ({ repetition, component, term, after } = counted);
  }
  // A newline right after the ISA terminator means the file is wrapped one segment per line.
  const segment =
    term === '\n'
      ? term
      : isa.startsWith('\r\n', after)
        ? term + '\r\n'
        : isa[after] === '\n'
          ? term + '\n'
          : term;
  const set = new Set([element, component, term]);
  if (set.size < 3 || /[A-Za-z0-9 ]/.test(element + component + term)) {
    diagnostics.push({
      code: 'X12_DELIMITERS',
      message: `delimiters must be distinct non-alphanumeric characters (element '${element}', component '${component}', segment '${term}')`,
      severity: 'error',
      segment: 'ISA',
      position: 1,
    });
  }
  return { separators: { element, component, repetition, segment }, diagnostics };
}

/**
 * ISA16 and the terminator of an ISA whose elements are not at their fixed widths, found by
 * counting its 16 element separators; the repetition separator is ISA11's first character, as at ISA
 * position 82 in a fixed-width one.
 */
function countedIsa(
  isa: string,
  element: string,
): { repetition: string; component: string; term: string; after: number } | undefined {
  let at = 3;
  let isa11 = '';
  for (let n = 2; n <= 16; n++) {
    const next = isa.indexOf(element, at + 1);
    if (next < 0) return undefined;
    if (n === 12) isa11 = isa.slice(at + 1, next);
    at = next;
  }
  const component = isa[at + 1];
  const term = isa[at + 2];
  if (component === undefined || term === undefined) return undefined;
  return { repetition: isa11.charAt(0) || '^', component, term, after: at + 3 };
}

function stripLead(text: string): string {
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length && (text[i] === '\r' || text[i] === '\n' || text[i] === ' ' || text[i] === '\t'))
    i++;
  return i ? text.slice(i) : text;
}

export interface Tokenized {
  segments: Segment[];
  separators?: Separators;
  diagnostics: Diagnostic[];
}

/**
 * Segment boundaries of a whole text, found in one pass (indexOf on the terminator) without making any
 * element strings: segment i is `src.slice(start[i], end[i])`. Same segments, numbers, offsets and
 * diagnostics as the streaming tokenizer fed the whole text at once.
 */
export interface Cuts {
  /** The input after any BOM and leading whitespace; offsets index into it. */
  src: string;
  start: Int32Array;
  end: Int32Array;
  count: number;
  separators?: Separators;
  diagnostics: Diagnostic[];
}

/**
 * Characters that may stand between a terminator and the next segment id and belong to no segment:
 * line breaks (files wrapped at the terminator) and, unless a separator is one of them, spaces and
 * tabs (pretty-printed files indent segments). A segment id never starts with either.
 */
function between(ch: number, blanksAreData: boolean): boolean {
  return ch === 10 || ch === 13 || (!blanksAreData && (ch === 32 || ch === 9));
}

/** How many leading characters of `text` are `between` segments. */
function leadBetween(text: string, blanksAreData: boolean): number {
  let i = 0;
  while (i < text.length && between(text.charCodeAt(i), blanksAreData)) i++;
  return i;
}

/** Whether a separator is a space or a tab (then blanks are data, never indentation). */
function blankSeparator(sep: Separators): boolean {
  return /[ \t]/.test(sep.element + sep.component + sep.repetition + sep.segment);
}

export function cut(input: string): Cuts {
  const src = stripLead(input);
  const diagnostics: Diagnostic[] = [];
  const none = { src, start: new Int32Array(0), end: new Int32Array(0), count: 0, diagnostics };
  if (src.length < ISA_LENGTH) {
    diagnostics.push(...detectSeparators(src).diagnostics);
    return none;
  }
  const d = detectSeparators(src.slice(0, 2 * ISA_LENGTH));
  diagnostics.push(...d.diagnostics);
  const separators = d.separators;
  if (!separators) return none;
  const term = separators.segment[0] ?? '~';
  const stripCr = term === '\n';
  const blanks = blankSeparator(separators);
  // Segments average well over 16 characters; grow if a file of tiny segments proves that wrong.
  const b: Bounds = {
    start: new Int32Array((src.length >> 4) + 16),
    end: new Int32Array((src.length >> 4) + 16),
    count: 0,
  };
  let pos = 0;
  for (;;) {
    const t = src.indexOf(term, pos);
    if (t < 0) break;
    let a = pos;
    while (a < t && between(src.charCodeAt(a), blanks)) a++;
    let z = t;
    if (stripCr && z > a && src.charCodeAt(z - 1) === 13) z--;
    if (z > a) addBounds(b, a, z);
    pos = t + 1;
  }
  if (pos < src.length) {
    // The text after the last terminator: an unterminated segment unless it is only whitespace.
    const tail = src.slice(pos);
    const lead = leadBetween(tail, blanks);
    const text = tail.slice(lead).replace(/\s+$/, '');
    if (text.length > 0) {
      diagnostics.push({
        code: 'X12_UNTERMINATED',
        message: `segment ${b.count + 1} has no segment terminator '${term}'`,
        severity: 'error',
        segment: text.slice(0, 3),
        position: b.count + 1,
      });
      addBounds(b, pos + lead, pos + lead + text.length);
    }
  }
  return { src, start: b.start, end: b.end, count: b.count, separators, diagnostics };
}

interface Bounds {
  start: Int32Array;
  end: Int32Array;
  count: number;
}

function addBounds(b: Bounds, a: number, z: number) {
  if (b.count === b.start.length) {
    const start = new Int32Array(b.count * 2);
    start.set(b.start);
    b.start = start;
    const end = new Int32Array(b.count * 2);
    end.set(b.end);
    b.end = end;
  }
  b.start[b.count] = a;
  b.end[b.count++] = z;
}

/**
 * Known segment ids by length and characters (7 bits each). segmentAt hands out these literal strings
 * instead of slicing a new one, so readers' `el[0] === 'CLM'` tests compare interned strings. An
 * open-addressed table (codes, then the id strings) probed linearly: cheaper per segment than a Map.
 */
const ID_SLOTS = 1024;
const ID_CODES = new Int32Array(ID_SLOTS);
/** Per table slot: the id's number among the known ids (0, 1, 2, ...), what `slotAt` hands out. */
const ID_DENSE = new Int32Array(ID_SLOTS).fill(-1);
/** Known ids by that number. */
const ID_NAMES: string[] = [];
function idSlot(code: number): number {
  return Math.imul(code, 0x9e3779b1) >>> 22;
}
for (const id of [...Object.keys(DICTIONARY), 'ISA', 'IEA', 'GS', 'GE']) {
  let code = id.length;
  for (let j = 0; j < id.length; j++) code = (code << 7) | id.charCodeAt(j);
  let h = idSlot(code);
  while (ID_CODES[h] !== 0 && ID_CODES[h] !== code) h = (h + 1) & (ID_SLOTS - 1);
  if (ID_CODES[h] === code) continue;
  ID_CODES[h] = code;
  ID_DENSE[h] = ID_NAMES.length;
  ID_NAMES.push(id);
}

/**
 * The number of the known segment id src[a, k) (dense: arrays indexed by it stay small, a few hundred
 * entries, and close together in memory), or -1.
 */
function slotAt(src: string, a: number, k: number): number {
  const len = k - a;
  if (len === 2 || len === 3) {
    let code = len;
    for (let j = a; j < k; j++) {
      const ch = src.charCodeAt(j);
      if (ch >= 128) return -1;
      code = (code << 7) | ch;
    }
    // Codes are never 0 (the length sits in the top bits), so 0 marks an empty slot.
    for (let h = idSlot(code); ID_CODES[h] !== 0; h = (h + 1) & (ID_SLOTS - 1))
      if (ID_CODES[h] === code) return ID_DENSE[h]!;
  }
  return -1;
}

/** Slot of a known segment id (as SegCursor.slot has it), or -1: lets callers index arrays by segment id. */
export function segmentIdSlot(id: string): number {
  return slotAt(id, 0, id.length);
}

/** Number of slots: arrays indexed by `SegCursor.slot` have this length. */
export const SEGMENT_ID_SLOTS = ID_NAMES.length;

function idAt(src: string, a: number, k: number): string {
  const h = slotAt(src, a, k);
  return h >= 0 ? ID_NAMES[h]! : src.slice(a, k);
}

// Scratch for one segment's separator positions: segmentAt is synchronous and never re-entered.
let seps = new Int32Array(64);

/** Segment `i` (0-based) of `c` as a Segment, its elements split now (indexOf + slice: no copy of the segment). */
export function segmentAt(c: Cuts, i: number, element: string): Segment {
  const src = c.src;
  const a = c.start[i]!;
  const b = c.end[i]!;
  // Find the separators once, then allocate the array at its final size (pushing over-allocates every one).
  let n = 0;
  for (let k = src.indexOf(element, a); k >= 0 && k < b; k = src.indexOf(element, k + 1)) {
    if (n === seps.length) {
      const grown = new Int32Array(n * 2);
      grown.set(seps);
      seps = grown;
    }
    seps[n++] = k;
  }
  const el = new Array<string>(n + 1);
  el[0] = idAt(src, a, n > 0 ? seps[0]! : b);
  for (let j = 1; j <= n; j++) el[j] = src.slice(seps[j - 1]! + 1, j < n ? seps[j]! : b);
  return { el, n: i + 1, offset: a };
}

/**
 * One segment of a cut text read in place: `moveTo` finds its element separators once; elements are
 * sliced only when asked for. `at(k)` is exactly `segmentAt(...).el[k]` (undefined past the last element),
 * so code written against `el[k]` keeps its meaning. A cursor is reused from segment to segment: keep
 * `segment()` (a real Segment), never the cursor itself.
 */
export class SegCursor {
  /** The segment id (an interned literal for known ids), i.e. `el[0]`. */
  id = '';
  /** 1-based ordinal of the segment in the file. */
  n = 0;
  /** Number of elements after the id (`el.length - 1`). */
  count = 0;
  /** Table slot of a known id (see segmentIdSlot), -1 for any other. */
  slot = -1;
  /** Separator positions: element k (1..count) spans `sep[k-1] + 1` to `sep[k]` (or the segment end). */
  private sep = new Int32Array(64);
  /** The cut text the offsets index into. */
  readonly src: string;
  private index = 0;
  private a = 0;
  private b = 0;

  constructor(
    private readonly c: Cuts,
    private readonly element: string,
  ) {
    this.src = c.src;
  }

  moveTo(i: number): this {
    const src = this.src;
    const a = this.c.start[i]!;
    const b = this.c.end[i]!;
    let n = 0;
    let sep = this.sep;
    for (let k = src.indexOf(this.element, a); k >= 0 && k < b; k = src.indexOf(this.element, k + 1)) {
      if (n === sep.length) {
        const grown = new Int32Array(n * 2);
        grown.set(sep);
        this.sep = sep = grown;
      }
      sep[n++] = k;
    }
    this.index = i;
    this.a = a;
    this.b = b;
    this.count = n;
    this.n = i + 1;
    const z = n > 0 ? sep[0]! : b;
    const h = slotAt(src, a, z);
    this.slot = h;
    this.id = h >= 0 ? ID_NAMES[h]! : src.slice(a, z);
    return this;
  }

  /** Element k as `el[k]`: the id for 0, undefined past the last element. */
  at(k: number): string | undefined {
    if (k === 0) return this.id;
    if (k > this.count) return undefined;
    return this.src.slice(this.sep[k - 1]! + 1, k < this.count ? this.sep[k]! : this.b);
  }

  /** Separator offsets of the current segment: element k (1..count) starts after entry k-1. Valid until moveTo. */
  get positions(): Int32Array {
    return this.sep;
  }

  /** Offset of the current segment's first character (its id). */
  get segmentStart(): number {
    return this.a;
  }

  /** Offset just after the current segment's last character. */
  get segmentEnd(): number {
    return this.b;
  }

  /** `(el[k] ?? '').split(component)`, cut with indexOf inside the element (no runtime split call). */
  parts(k: number, component: string): string[] {
    if (k === 0) return this.id.split(component);
    if (k > this.count) return [''];
    const src = this.src;
    const b = k < this.count ? this.sep[k]! : this.b;
    const out: string[] = [];
    for (let a = this.sep[k - 1]! + 1; ;) {
      let z = src.indexOf(component, a);
      if (z < 0 || z > b) z = b;
      out.push(src.slice(a, z));
      if (z === b) return out;
      a = z + 1;
    }
  }

  /** `at(k) === lit`, compared in place (no slice). */
  is(k: number, lit: string): boolean {
    if (k === 0) return this.id === lit;
    if (k > this.count) return false;
    const a = this.sep[k - 1]! + 1;
    const b = k < this.count ? this.sep[k]! : this.b;
    if (b - a !== lit.length) return false;
    for (let i = 0; i < lit.length; i++) if (this.src.charCodeAt(a + i) !== lit.charCodeAt(i)) return false;
    return true;
  }

  /** Element k, '' when absent (`el[k] ?? ''`). */
  get(k: number): string {
    if (k < 1 || k > this.count) return k === 0 ? this.id : '';
    return this.src.slice(this.sep[k - 1]! + 1, k < this.count ? this.sep[k]! : this.b);
  }

  /** Offset of element k's first character (k in 1..count). */
  start(k: number): number {
    return this.sep[k - 1]! + 1;
  }

  /** Offset just after element k's last character (k in 1..count). */
  end(k: number): number {
    return k < this.count ? this.sep[k]! : this.b;
  }

  /** Length of element k, 0 when absent. */
  len(k: number): number {
    if (k < 1 || k > this.count) return 0;
    return (k < this.count ? this.sep[k]! : this.b) - this.sep[k - 1]! - 1;
  }

  /**
   * Component j (1-based) of element k, exactly `(el[k] ?? '').split(component)[j - 1]`, found with
   * indexOf inside the element: no array, one slice.
   */
  part(k: number, j: number, component: string): string | undefined {
    if (k === 0) return this.id.split(component)[j - 1];
    if (k > this.count) return j === 1 ? '' : undefined;
    if (!(j >= 1) || !Number.isInteger(j)) return undefined;
    const src = this.src;
    let a = this.sep[k - 1]! + 1;
    const b = k < this.count ? this.sep[k]! : this.b;
    for (let x = 1; x < j; x++) {
      const p = src.indexOf(component, a);
      if (p < 0 || p >= b) return undefined;
      a = p + 1;
    }
    const p = src.indexOf(component, a);
    return src.slice(a, p < 0 || p >= b ? b : p);
  }

  /** The segment as a Segment (element strings made now), for keeping beyond the next moveTo. */
  segment(): Segment {
    return segmentAt(this.c, this.index, this.element);
  }
}

/** Whole-text tokenizer (the fast path). */
export function tokenize(input: string): Tokenized {
  const c = cut(input);
  const segments: Segment[] = new Array<Segment>(c.count);
  const el = c.separators?.element ?? '*';
  for (let i = 0; i < c.count; i++) segments[i] = segmentAt(c, i, el);
  return { segments, separators: c.separators, diagnostics: c.diagnostics };
}

/**
 * Incremental tokenizer: `push(chunk)` returns the segments completed so far, `end()` the rest.
 * Offsets are character offsets into the concatenated input (after any BOM/leading whitespace).
 */
/** Where cut segments go: collected into an array, or handed to a function one by one. */
export type Sink = Segment[] | ((s: Segment) => void);

export class X12Tokenizer {
  separators: Separators | undefined;
  readonly diagnostics: Diagnostic[] = [];
  private buf = '';
  private base = 0;
  private n = 0;
  private started = false;

  push(chunk: string): Segment[] {
    const out: Segment[] = [];
    this.pushTo(chunk, out);
    return out;
  }

  end(): Segment[] {
    const out: Segment[] = [];
    this.endTo(out);
    return out;
  }

  /** Like push, but hands each segment to `emit` as it is cut (nothing retained: cheap on memory). */
  pushTo(chunk: string, emit: Sink): void {
    this.buf += chunk;
    // Wait for the ISA plus two characters (to see a newline after its terminator).
    if (!this.started && !this.start(ISA_LENGTH + 2)) return;
    if (this.separators) this.drain(false, emit);
  }

  endTo(emit: Sink): void {
    if (!this.started && !this.start(ISA_LENGTH, true)) {
      this.diagnostics.push(...detectSeparators(stripLead(this.buf)).diagnostics);
      return;
    }
    if (this.separators) this.drain(true, emit);
  }

  private start(need: number, final = false): boolean {
    const trimmed = stripLead(this.buf);
    if (trimmed.length < need) return false;
    const d = detectSeparators(trimmed.slice(0, 2 * ISA_LENGTH));
    // An ISA off its fixed widths has its separators found by counting its elements, which may run
    // past the first 108 characters (an over-wide one): wait for as much as the whole-text cut reads
    // (or the end), so that chunking never changes the separators.
    if (!final && trimmed.length < 2 * ISA_LENGTH && d.diagnostics.some((x) => x.code === 'X12_ISA_WIDTH'))
      return false;
    this.buf = trimmed;
    this.started = true;
    this.diagnostics.push(...d.diagnostics);
    this.separators = d.separators;
    return true;
  }

  private drain(final: boolean, sink: Sink): void {
    // An array sink is the fast path for tokenize(); a function sink streams.
    const out = Array.isArray(sink) ? sink : undefined;
    const emit = out ? undefined : (sink as (s: Segment) => void);
    const sep = this.separators!;
    const term = sep.segment[0] ?? '~';
    const el = sep.element;
    const blanks = blankSeparator(sep);
    const buf = this.buf;
    // One native split over everything up to the last terminator (much faster than an indexOf walk).
    const last = buf.lastIndexOf(term);
    const upto = final ? buf.length : last + 1;
    if (upto <= 0) return;
    const pieces = buf.slice(0, upto).split(term);
    // The text after the last terminator is an unterminated tail (final) or the next chunk's start.
    const tail = final && last + 1 < buf.length ? pieces.pop() : (pieces.pop(), undefined);
    let offset = this.base;
    for (let k = 0; k < pieces.length; k++) {
      let text = pieces[k]!;
      const skip = leadBetween(text, blanks);
      const segOffset = offset + skip;
      offset += text.length + 1;
      if (skip) text = text.slice(skip);
      if (term === '\n' && text.endsWith('\r')) text = text.slice(0, -1);
      if (text.length === 0) continue;
      const seg = { el: text.split(el), n: ++this.n, offset: segOffset };
      if (out) out.push(seg);
      else emit!(seg);
    }
    if (tail !== undefined) {
      const lead = leadBetween(tail, blanks);
      const text = tail.slice(lead).replace(/\s+$/, '');
      if (text.length > 0) {
        this.diagnostics.push({
          code: 'X12_UNTERMINATED',
          message: `segment ${this.n + 1} has no segment terminator '${term}'`,
          severity: 'error',
          segment: text.slice(0, 3),
          position: this.n + 1,
        });
        (out ? out.push.bind(out) : emit!)({
          el: text.split(el),
          n: ++this.n,
          offset: offset + lead,
        });
      }
      this.buf = '';
      this.base = offset + tail.length;
      return;
    }
    this.buf = buf.slice(upto);
    this.base += upto;
  }
}

/** Whole-text scan without keeping the segments: `fn` sees each one in order. */
export function scan(
  input: string,
  fn: (s: Segment) => void,
): { separators?: Separators; diagnostics: Diagnostic[] } {
  const c = cut(input);
  const el = c.separators?.element ?? '*';
  for (let i = 0; i < c.count; i++) fn(segmentAt(c, i, el));
  return { separators: c.separators, diagnostics: c.diagnostics };
}

/** Split a composite element into components. */
export function components(value: string, sep: Separators): string[] {
  return value.split(sep.component);
}

/**
 * Hidden classes that outlive any one file. V8 reaches the hidden class (map) of a class's instances
 * through transitions it holds only weakly: when a full garbage collection finds no instance alive
 * (between two files, every cursor is garbage), the map is collected, the next file's cursor gets a new
 * one, and every function optimized against the old map (moveTo, at, is, the validator's walk that
 * inlines them) is thrown away and recompiled. One cursor kept for the process's life keeps the map.
 */
export const LIVE_MAPS = new Set<unknown>([new SegCursor(cut(''), '*')]);

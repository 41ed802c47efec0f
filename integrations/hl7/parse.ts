// HL7 v2 tokenizer and parser (2.3 to 2.8). Pure: text in, { value, diagnostics } out, no I/O.
//
// Why our own parser: the issue asks for 50,000 parse+map/s on a 3 KB DFT^P03; hl7-standard does
// ~3,900/s and simple-hl7 ~11,000/s here (see bench.ts). The speed comes from doing the least work
// up front and making few strings: parsing only finds where segments start and end (one indexOf
// pass). A segment's field boundaries are found on its first read (one indexOf pass over that
// segment, with a look at the next character first, since half the fields of a charge message are
// empty), and a read of SEG-n.c.s walks only field n's characters (the bytes, when byte i is char i:
// indexing a Uint8Array is about twice as fast as charCodeAt) and slices the one leaf it asked for,
// unescaping only when the leaf holds the escape character. No field array is built unless
// `fields` is asked for.

import { isAscii as isAsciiBytes } from 'node:buffer';
import type { Diagnostic } from '../../appliance/domain/types.js';

/** The five delimiters a message declares in MSH-1 and MSH-2 (HL7 v2.5 §2.5.4). */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7+ truncation character (MSH-2 fifth char), '' when absent. */
  truncation: string;
}

export const DEFAULT_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
};

export interface Segment {
  /** Segment id, e.g. 'PID', 'ZPV'. */
  id: string;
  /** 0-based index of the segment in its message. */
  index: number;
  /**
   * Raw (still escaped) fields; fields[n] is SEG-n. For MSH, fields[1] is MSH-1 and fields[2] MSH-2.
   * Built on first use (get() and friends read the segment text without it); read-only.
   */
  readonly fields: string[];
  /** Character offset of the segment in the message text. */
  offset: number;
}

export interface Message {
  delimiters: Delimiters;
  segments: Segment[];
  /** MSH-9.1 / MSH-9.2 / MSH-9.3, e.g. DFT / P03 / DFT_P03. */
  messageCode: string;
  triggerEvent: string;
  /** MSH-10 message control id. */
  controlId: string;
  /** MSH-12 version id, e.g. '2.5.1'. */
  version: string;
  /** Segments by id, in message order (built on first use: first() and all() do not need it). */
  readonly byId: Map<string, Segment[]>;
  /** Char codes of repetition, component, subcomponent and escape, for the one-pass read in get(). */
  codes: { rep: number; comp: number; sub: number; esc: number };
}

const CR = 13;
const LF = 10;

/** Split text into segments on \r, \n or \r\n (any mix), dropping empty lines. */
function splitSegments(text: string): { line: string; offset: number }[] {
  const out: { line: string; offset: number }[] = [];
  // Fast path: one terminator kind throughout (the usual \r, or \n from files): native split.
  const hasLf = text.indexOf('\n') >= 0;
  const hasCr = text.indexOf('\r') >= 0;
  if (!(hasLf && hasCr)) {
    const parts = text.split(hasLf ? '\n' : '\r');
    let offset = 0;
    for (const line of parts) {
      if (line.length > 0) out.push({ line, offset });
      offset += line.length + 1;
    }
    return out;
  }
  const n = text.length;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === CR || c === LF) {
      if (i > start) out.push({ line: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  if (n > start) out.push({ line: text.slice(start), offset: start });
  return out;
}

/**
 * HL7 v2.5 §2.7: a segment ends with a carriage return; LF is not a delimiter. Files written with \n
 * or \r\n are taken as a tolerance, but only when the message has no bare CR terminator. In a
 * CR-terminated message a bare LF is data (a line break typed into a text field), so it becomes a
 * space, unless a segment id and the field separator follow it (a segment that really ends in LF
 * in a message with mixed line ends). Same length out: offsets stay valid.
 */
function dataLineFeeds(text: string, fs: string): string {
  if (text.indexOf('\n') < 0) return text;
  let bareCr = false;
  for (let at = text.indexOf('\r'); at >= 0 && !bareCr; at = text.indexOf('\r', at + 1))
    bareCr = text.charCodeAt(at + 1) !== LF;
  if (!bareCr) return text;
  let out = '';
  let from = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    if (at > 0 && text.charCodeAt(at - 1) === CR) continue;
    const next = text.charCodeAt(at + 1);
    const endsLine = at + 1 === text.length || next === CR || next === LF;
    const startsSegment =
      idKey(text, at + 1) >= 0 &&
      (at + 4 === text.length || text[at + 4] === fs || text.charCodeAt(at + 4) === CR);
    if (endsLine || startsSegment) continue;
    out += text.slice(from, at) + ' ';
    from = at + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** MLLP framing (VT before a message, FS CR after it) is transport, not content: drop those bytes. */
function stripFraming(text: string): string {
  if (text.indexOf('\x0b') < 0 && text.indexOf('\x1c') < 0) return text;
  return text.replaceAll('\x0b', '').replaceAll('\x1c', '').replaceAll('\x1d', '');
}

/** Read the delimiters from the start of an MSH (or FHS/BHS) line. */
export function readDelimiters(line: string): { value: Delimiters | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const head = line.slice(0, 3);
  if (line.length < 8) {
    diagnostics.push(err('HL7_BAD_MSH', `${head} is too short to declare delimiters`, 'MSH', 0, 'MSH-2'));
    return { value: undefined, diagnostics };
  }
  const field = line[3]!;
  let end = line.indexOf(field, 4);
  if (end < 0) end = line.length;
  // MSH-2 is line[4, end); with MSH-1, the delimiters are line[3, end), each checked in place.
  const encLength = end - 4;
  if (encLength < 4 || encLength > 5) {
    diagnostics.push(
      err('HL7_BAD_MSH', `MSH-2 must hold 4 or 5 encoding characters, found ${encLength}`, 'MSH', 4, 'MSH-2'),
    );
    return { value: undefined, diagnostics };
  }
  for (let i = 3; i < end; i++) {
    const c = line.charCodeAt(i);
    let repeated = false;
    for (let j = 3; j < i; j++) if (line.charCodeAt(j) === c) repeated = true;
    if (isReservedDelimiter(c) || repeated) {
      diagnostics.push(
        err('HL7_BAD_DELIMITERS', 'MSH-1/MSH-2 delimiters must be distinct punctuation', 'MSH', 3, 'MSH-2'),
      );
      return { value: undefined, diagnostics };
    }
  }
  return {
    value: {
      field,
      component: line[4]!,
      repetition: line[5]!,
      escape: line[6]!,
      subcomponent: line[7]!,
      truncation: encLength === 5 ? line[8]! : '',
    },
    diagnostics,
  };
}

/** Letters, digits, CR, LF and space cannot delimit (they occur in data): /[A-Za-z0-9\r\n ]/. */
function isReservedDelimiter(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 13 || c === 10 || c === 32
  );
}

function err(code: string, message: string, segment: string, position: number, field?: string): Diagnostic {
  const d: Diagnostic = { code, message, severity: 'error', segment, position };
  if (field !== undefined) d.field = field;
  return d;
}

function warn(code: string, message: string, segment: string, position: number, field?: string): Diagnostic {
  const d: Diagnostic = { code, message, severity: 'warning', segment, position };
  if (field !== undefined) d.field = field;
  return d;
}

/** Strip a UTF-8 byte order mark and leading whitespace/junk before MSH. */
function stripLead(text: string): string {
  let s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!s.startsWith('MSH')) {
    const at = s.search(/(?:^|[\r\n])\s*MSH/);
    if (at >= 0) s = s.slice(at).replace(/^\s+/, '');
  }
  return s;
}

/**
 * A segment as parsed: where it lies in the message text, with field boundaries found on the first
 * read. Reads walk the whole (flat) message text by position: char access on a flat string is
 * about twice as fast as on a line sliced out of it. It keeps the Segment shape (`fields` is built
 * on demand), so code written against Segment still works.
 */
class SegmentLine implements Segment {
  private list: string[] | undefined = undefined;
  /** Where each piece of the line split on fs ends (piece 0 is the id); found on first read. */
  ends: number[] | undefined = undefined;
  constructor(
    readonly id: string,
    readonly index: number,
    /** Where the segment starts in the message text (also its `offset`) and where it ends. */
    readonly offset: number,
    readonly end: number,
    /** The whole message text. */
    readonly text: string,
    /** The message's field separator. */
    readonly fs: string,
    /** MSH, FHS, BHS: MSH-1 is the separator itself, so field n is piece n-1 for n ≥ 2. */
    readonly shift: boolean,
    /**
     * The bytes the text was decoded from, when byte i is char i (ASCII, or a single-byte charset)
     * and the delimiters are ASCII: reads walk these, about twice as fast as charCodeAt.
     */
    readonly bytes: Uint8Array | undefined,
  ) {}

  get fields(): string[] {
    if (!this.list) {
      const parts = this.text.slice(this.offset, this.end).split(this.fs);
      // parts[1] is MSH-2; insert MSH-1 so that fields[n] is MSH-n.
      if (this.shift) parts.splice(1, 0, this.fs);
      this.list = parts;
    }
    return this.list;
  }

  toJSON(): Pick<Segment, 'id' | 'index' | 'fields' | 'offset'> {
    return { id: this.id, index: this.index, fields: this.fields, offset: this.offset };
  }
}

/** A parsed message; byId is made on first use, first() and all() scan the segment id keys. */
class ParsedMessage implements Message {
  private map: Map<string, Segment[]> | undefined = undefined;
  readonly codes: Message['codes'];
  /** all()'s last answer, for a run of calls with one id. */
  lastId = '';
  lastAll: Segment[] = [];
  constructor(
    public delimiters: Delimiters,
    public segments: Segment[],
    public messageCode: string,
    public triggerEvent: string,
    public controlId: string,
    public version: string,
    /** idKey() of each segment's id, in segment order. */
    readonly keys: number[],
  ) {
    this.codes = {
      rep: delimiters.repetition.charCodeAt(0),
      comp: delimiters.component.charCodeAt(0),
      sub: delimiters.subcomponent.charCodeAt(0),
      esc: delimiters.escape.charCodeAt(0),
    };
  }

  get byId(): Map<string, Segment[]> {
    if (!this.map) {
      const map = new Map<string, Segment[]>();
      for (const seg of this.segments) {
        const list = map.get(seg.id);
        if (list) list.push(seg);
        else map.set(seg.id, [seg]);
      }
      this.map = map;
    }
    return this.map;
  }
}

/**
 * Field ends of a segment, found on its first read: one indexOf pass, with a look at the next
 * character first, since half the fields of a charge message are empty (an indexOf call costs
 * several times that look).
 */
function endsOf(seg: SegmentLine): number[] {
  if (seg.ends) return seg.ends;
  const ends: number[] = [];
  const { text, fs, end, bytes } = seg;
  const fsCode = fs.charCodeAt(0);
  let at = text.indexOf(fs, seg.offset);
  while (at >= 0 && at < end) {
    ends.push(at);
    if ((bytes ? bytes[at + 1] : text.charCodeAt(at + 1)) === fsCode) at++;
    else at = text.indexOf(fs, at + 2);
  }
  ends.push(end);
  return (seg.ends = ends);
}

/**
 * Parse one HL7 v2 message. Errors (no MSH, bad delimiters) give value undefined; anything the
 * parser can still read gives a value, with warnings for what it had to skip. `bytes`, when given,
 * are the bytes decodeBytes() made `input` from; reads then walk them where byte i is char i.
 */
export function parseMessage(
  input: string,
  bytes?: Uint8Array,
): { value: Message | undefined; diagnostics: Diagnostic[] } {
  const lead = stripLead(input);
  let text = stripLead(stripFraming(input));
  if (!text.startsWith('MSH')) {
    return {
      value: undefined,
      diagnostics: [err('HL7_NO_MSH', 'message does not start with an MSH segment', 'MSH', 0)],
    };
  }
  text = dataLineFeeds(text, text.charAt(3));
  // Line bounds: with one terminator kind throughout (the usual \r, or \n from files), indexOf
  // finds them as the lines are read; a mix (CRLF files) goes through the general splitter. Empty
  // lines are dropped. The text starts with MSH, so the first line is not empty.
  const hasLf = text.indexOf('\n') >= 0;
  const lines = hasLf && text.indexOf('\r') >= 0 ? splitSegments(text) : undefined;
  const eol = hasLf ? '\n' : '\r';
  let firstEnd = lines ? lines[0]!.line.length : text.indexOf(eol);
  if (firstEnd < 0) firstEnd = text.length;
  const delims = readDelimiters(text.slice(0, firstEnd));
  if (!delims.value) return { value: undefined, diagnostics: delims.diagnostics };
  const d = delims.value;
  const diagnostics = delims.diagnostics;
  const segments: Segment[] = [];
  const keys: number[] = [];
  const fs = d.field;
  // decodeBytes() gives one char per byte only for ASCII (UTF-8 without multi-byte sequences) or
  // windows-1252, where bytes below 0x80 are those ASCII chars and no other byte decodes to one.
  // stripLead() removes a prefix, so the text is the tail of the bytes; framing stripped or a line
  // feed made data (both rare) change the text, and then the bytes are not read at all.
  const view =
    bytes !== undefined && text === lead && bytes.length === input.length && isAscii(d)
      ? text.length === input.length
        ? bytes
        : bytes.subarray(input.length - text.length)
      : undefined;
  const fsCode = fs.charCodeAt(0);
  const n = text.length;
  // i counts the non-empty lines (the diagnostics name them by it); pos is where the next one is looked for.
  let pos = 0;
  for (let i = 0; ; i++) {
    let offset: number;
    let end: number;
    if (lines) {
      const l = lines[i];
      if (!l) break;
      offset = l.offset;
      end = offset + l.line.length;
    } else {
      for (end = pos; pos < n; pos = end + 1) {
        end = text.indexOf(eol, pos);
        if (end < 0) end = n;
        if (end > pos) break;
      }
      if (pos >= n) break;
      offset = pos;
      pos = end + 1;
    }
    // The id is what precedes the first field separator: three characters, then fs or the end.
    const key =
      end - offset === 3 || (end - offset > 3 && text.charCodeAt(offset + 3) === fsCode)
        ? idKey(text, offset)
        : -1;
    let id = key < 0 ? undefined : segmentIds[key];
    if (id === undefined && key >= 0) segmentIds[key] = id = interned(text.slice(offset, offset + 3));
    if (id === undefined && segments[segments.length - 1]?.id === 'FT1' && text.slice(offset, end).trim()) {
      diagnostics.push(cutCharge(i, offset));
      continue;
    }
    if (id === undefined) {
      diagnostics.push(
        warn('HL7_BAD_SEGMENT_ID', `segment ${i + 1} has no valid 3-character id; skipped`, `#${i}`, offset),
      );
      continue;
    }
    const shift = key === MSH_KEY || key === FHS_KEY || key === BHS_KEY;
    if (i > 0 && key === MSH_KEY) {
      diagnostics.push(
        warn('HL7_EXTRA_MSH', 'a second MSH starts another message; use splitBatch', `#${i}`, offset),
      );
      break;
    }
    segments.push(new SegmentLine(id, segments.length, offset, end, text, fs, shift, view));
    keys.push(key);
  }
  const msh = segments[0]!;
  const type = rawField(msh, 9);
  const message = new ParsedMessage(
    d,
    segments,
    nth(type, d.component, 0),
    nth(type, d.component, 1),
    rawField(msh, 10),
    nth(rawField(msh, 12), d.component, 0),
    keys,
  );
  if (!message.messageCode)
    diagnostics.push(err('HL7_NO_TYPE', 'MSH-9 message type is empty', 'MSH', msh.offset, 'MSH-9'));
  if (!message.controlId)
    diagnostics.push(warn('HL7_NO_CONTROL_ID', 'MSH-10 message control id is empty', 'MSH', 0, 'MSH-10'));
  if (message.version && !isSupportedVersion(message.version))
    diagnostics.push(
      warn('HL7_VERSION', `MSH-12 version ${message.version} is outside 2.3–2.8`, 'MSH', 0, 'MSH-12'),
    );
  return { value: message, diagnostics };
}

/**
 * A line without a segment id right after an FT1 is most likely the rest of that FT1, cut by a line
 * break inside a field: its charge, modifiers and diagnosis links would be lost. An error, so the
 * mapper quarantines the message rather than bill the charge line without them.
 */
function cutCharge(i: number, offset: number): Diagnostic {
  return err(
    'HL7_SEGMENT_CUT',
    `segment ${i + 1} has no valid segment id and follows an FT1: a line break inside the FT1 cut its charge data`,
    'FT1',
    offset,
  );
}

function isAscii(d: Delimiters): boolean {
  return (
    asciiOnly(d.field) &&
    asciiOnly(d.component) &&
    asciiOnly(d.repetition) &&
    asciiOnly(d.escape) &&
    asciiOnly(d.subcomponent) &&
    asciiOnly(d.truncation)
  );
}

function asciiOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** 2.3 to 2.8, with an optional .n sub-release (2.5.1): /^2\.[3-8](\.\d+)?$/ without the regex. */
function isSupportedVersion(v: string): boolean {
  if (v.length < 3 || v.charCodeAt(0) !== 50 || v.charCodeAt(1) !== 46) return false;
  const minor = v.charCodeAt(2);
  if (minor < 51 || minor > 56) return false;
  if (v.length === 3) return true;
  if (v.length === 4 || v.charCodeAt(3) !== 46) return false;
  for (let i = 4; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// Segment ids seen so far, one shared string per id, indexed by idKey(): an array read, not a hash
// of a fresh slice per segment. 26 × 36 × 36 slots.
const segmentIds: (string | undefined)[] = new Array<string | undefined>(26 * 36 * 36).fill(undefined);

/** 0-35 for a digit or an upper-case letter, else -1. */
function idDigit(c: number): number {
  return c >= 65 && c <= 90 ? c - 55 : c >= 48 && c <= 57 ? c - 48 : -1;
}

/**
 * A number for the segment id at text[at, at + 3): an upper-case letter, then upper-case letters
 * or digits (0 to 26 × 36 × 36 - 1); -1 if it is not a valid id.
 */
function idKey(text: string, at: number): number {
  const c0 = text.charCodeAt(at);
  if (!(c0 >= 65 && c0 <= 90)) return -1;
  const c1 = idDigit(text.charCodeAt(at + 1));
  const c2 = idDigit(text.charCodeAt(at + 2));
  if (c1 < 0 || c2 < 0) return -1;
  return (c0 - 65) * 1296 + c1 * 36 + c2;
}

const MSH_KEY = idKey('MSH', 0);
const FHS_KEY = idKey('FHS', 0);
const BHS_KEY = idKey('BHS', 0);

/**
 * The same string, internalized (as V8 does with property names): an id compared with a literal
 * such as 'MSH' or 'FT1' is then equal by identity or unequal at once, the characters unread.
 */
function interned(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

// ------------------------------------------------------------------ escapes (HL7 v2.5 §2.7)

/** Resolve \F\ \S\ \T\ \R\ \E\ \Xhh..\ \.br\ in one leaf value. Unknown sequences are kept as-is. */
export function unescape(value: string, d: Delimiters): string {
  const e = d.escape;
  if (value.indexOf(e) < 0) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const at = value.indexOf(e, i);
    if (at < 0) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, at);
    const close = value.indexOf(e, at + 1);
    if (close < 0) {
      out += value.slice(at);
      break;
    }
    const seq = value.slice(at + 1, close);
    switch (seq) {
      case 'F':
        out += d.field;
        break;
      case 'S':
        out += d.component;
        break;
      case 'T':
        out += d.subcomponent;
        break;
      case 'R':
        out += d.repetition;
        break;
      case 'E':
        out += d.escape;
        break;
      case 'P':
        out += d.truncation;
        break;
      case '.br':
        out += '\n';
        break;
      default:
        if (seq.length > 1 && seq[0] === 'X' && /^X([0-9A-Fa-f]{2})+$/.test(seq)) {
          for (let k = 1; k < seq.length; k += 2)
            out += String.fromCharCode(parseInt(seq.slice(k, k + 2), 16));
        } else if (seq.startsWith('.') || seq === 'H' || seq === 'N') {
          // Formatting commands (.sp, .in, highlight on/off): no meaning for billing data.
        } else {
          out += e + seq + e;
        }
    }
    i = close + 1;
  }
  return out;
}

/** Escape a value for writing into a field (the inverse of unescape for the five delimiters). */
export function escape(value: string, d: Delimiters = DEFAULT_DELIMITERS): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r') out += `${d.escape}X0D${d.escape}`;
    else if (ch === '\n') out += `${d.escape}.br${d.escape}`;
    else out += ch;
  }
  return out;
}

// ------------------------------------------------------------------ access (lazy)

/** Raw field text, SEG-n. MSH-1 and MSH-2 are returned verbatim. */
export function rawField(seg: Segment | undefined, n: number): string {
  if (!(seg instanceof SegmentLine)) return seg?.fields[n] ?? '';
  if (seg.shift && n === 1) return seg.fs;
  const k = seg.shift && n > 1 ? n - 1 : n;
  const e = endsOf(seg);
  if (!(k >= 0 && k < e.length) || (k | 0) !== k) return '';
  return seg.text.slice(k === 0 ? seg.offset : e[k - 1]! + 1, e[k]);
}

/** Repetitions of a field, still escaped. An empty field has no repetitions. */
export function repetitions(msg: Message, seg: Segment | undefined, n: number): string[] {
  const raw = rawField(seg, n);
  if (raw === '') return [];
  if (seg?.id === 'MSH' && n <= 2) return [raw];
  return raw.split(msg.delimiters.repetition);
}

/**
 * One leaf value, unescaped: SEG-n.c.s of repetition rep (0-based). c and s are 1-based.
 * '""' (the HL7 explicit null) reads as ''.
 */
export function get(msg: Message, seg: Segment | undefined, n: number, c = 1, s = 1, rep = 0): string {
  if (seg instanceof SegmentLine && !(seg.shift && n <= 2)) {
    // Straight from the segment text: no field string is made, only the leaf.
    const k = seg.shift ? n - 1 : n;
    const e = endsOf(seg);
    if (!(k >= 0 && k < e.length) || (k | 0) !== k) return '';
    return leafAt(msg, seg.text, seg.bytes, k === 0 ? seg.offset : e[k - 1]! + 1, e[k]!, c, s, rep);
  }
  const raw = rawField(seg, n);
  if (raw === '') return '';
  if (n <= 2 && seg!.id === 'MSH') return raw;
  return leafAt(msg, raw, undefined, 0, raw.length, c, s, rep);
}

/**
 * Leaf (rep, c, s) of the field text[a, b), in one walk over its characters: count repetition,
 * component and subcomponent separators up to the leaf, which ends at the next separator of any
 * level (HL7 v2.5 §2.5.5). Escape sequences never hold a separator, so they need no care here.
 */
function leafAt(
  msg: Message,
  text: string,
  bytes: Uint8Array | undefined,
  a: number,
  b: number,
  c: number,
  s: number,
  rep: number,
): string {
  const k = msg.codes;
  const R = k.rep;
  const C = k.comp;
  const S = k.sub;
  let i = a;
  if (rep > 0 || c > 1 || s > 1) {
    // As split-and-index did: a component or subcomponent below 1 (or repetition below 0) is the first.
    if (c < 1) c = 1;
    if (s < 1) s = 1;
    if (rep < 0) rep = 0;
    let r = 0;
    let cc = 1;
    let ss = 1;
    do {
      let ch = 0;
      // The same loop over bytes or chars (one loop over either would be slower than both).
      if (bytes)
        for (; i < b; i++) {
          ch = bytes[i]!;
          if (ch === R || ch === C || ch === S) break;
        }
      else
        for (; i < b; i++) {
          ch = text.charCodeAt(i);
          if (ch === R || ch === C || ch === S) break;
        }
      if (i >= b) return '';
      if (ch === R) {
        r++;
        cc = 1;
        ss = 1;
      } else if (ch === C) {
        cc++;
        ss = 1;
      } else ss++;
      i++;
      if (r > rep || (r === rep && (cc > c || (cc === c && ss > s)))) return '';
    } while (r < rep || cc < c || ss < s);
  }
  const start = i;
  const E = k.esc;
  let escaped = false;
  if (bytes)
    for (; i < b; i++) {
      const ch = bytes[i]!;
      if (ch === R || ch === C || ch === S) break;
      if (ch === E) escaped = true;
    }
  else
    for (; i < b; i++) {
      const ch = text.charCodeAt(i);
      if (ch === R || ch === C || ch === S) break;
      if (ch === E) escaped = true;
    }
  return leafValue(msg, text, start, i, escaped);
}

/** text[start, end) as a value: '""' (the HL7 explicit null) is '', escapes resolved when present. */
function leafValue(msg: Message, text: string, start: number, end: number, escaped: boolean): string {
  if (end - start === 2 && text.charCodeAt(start) === 34 && text.charCodeAt(start + 1) === 34) return '';
  const v = start === 0 && end === text.length ? text : text.slice(start, end);
  return escaped ? unescape(v, msg.delimiters) : v;
}

/**
 * Where the next repetition, component or subcomponent separator or escape character lies in
 * text[i, b), else b. A tight loop over the bytes when given (byte i is char i: indexing them is
 * about twice as fast as charCodeAt), else over the chars; the walks of components() and
 * leavesInto() skip plain characters with it.
 */
function nextMark(
  text: string,
  bytes: Uint8Array | undefined,
  i: number,
  b: number,
  R: number,
  C: number,
  S: number,
  E: number,
): number {
  if (bytes) {
    for (; i < b; i++) {
      const x = bytes[i]!;
      if (x === C || x === R || x === S || x === E) return i;
    }
  } else {
    for (; i < b; i++) {
      const x = text.charCodeAt(i);
      if (x === C || x === R || x === S || x === E) return i;
    }
  }
  return b;
}

/**
 * Every repetition of SEG-n as its list of components (the first subcomponent of each, unescaped),
 * in one walk over the field: components(msg, seg, n)[rep][c - 1] is get(msg, seg, n, c, 1, rep),
 * and a component past the end of its list reads ''. An empty field has no repetitions. maxReps
 * stops the walk after that many repetitions; maxComps keeps only the first components of each
 * (the rest of a repetition is skipped, no string made). For fields
 * read component by component (CE codes, names, addresses): get() walks from the field's start on
 * every read, which adds up on long repeating fields such as FT1-19.
 */
export function components(
  msg: Message,
  seg: Segment | undefined,
  n: number,
  maxReps = Infinity,
  maxComps = Infinity,
): string[][] {
  let text: string;
  let bytes: Uint8Array | undefined;
  let a: number;
  let b: number;
  if (seg instanceof SegmentLine && !(seg.shift && n <= 2)) {
    const k = seg.shift ? n - 1 : n;
    const e = endsOf(seg);
    if (!(k >= 0 && k < e.length) || (k | 0) !== k) return [];
    text = seg.text;
    bytes = seg.bytes;
    a = k === 0 ? seg.offset : e[k - 1]! + 1;
    b = e[k]!;
  } else {
    text = rawField(seg, n);
    if (text !== '' && n <= 2 && seg!.id === 'MSH') return [[text]];
    a = 0;
    b = text.length;
  }
  const out: string[][] = [];
  if (a === b) return out;
  const { rep: R, comp: C, sub: S, esc: E } = msg.codes;
  // Right-sized arrays when the caller caps the components (the usual case): an array grown by
  // appending starts with room for 16, and these calls make several per message.
  const capped = maxComps < 16;
  let comps: string[] = capped ? new Array<string>(maxComps) : [];
  let k = 0;
  let start = a;
  // End of the current component's first subcomponent, once a subcomponent separator was seen.
  let end = -1;
  let escaped = false;
  for (let i = a; ; i++) {
    i = nextMark(text, bytes, i, b, R, C, S, E);
    let ch = i < b ? (bytes ? bytes[i]! : text.charCodeAt(i)) : -1;
    if (ch === C || ch === R || ch === -1) {
      comps[k++] = leafValue(msg, text, start, end < 0 ? i : end, escaped);
      start = i + 1;
      end = -1;
      escaped = false;
      if (ch === C) {
        if (k < maxComps) continue;
        // The rest of this repetition is not wanted: on to the next one, or done.
        if (out.length + 1 < maxReps) {
          for (i++; i < b && text.charCodeAt(i) !== R; i++);
          start = i + 1;
          ch = i < b ? R : -1;
        } else ch = -1;
      }
      if (k < comps.length) comps.length = k;
      if (ch === -1 || out.length + 1 >= maxReps) {
        if (out.length === 0) return [comps];
        out.push(comps);
        return out;
      }
      out.push(comps);
      comps = capped ? new Array<string>(maxComps) : [];
      k = 0;
    } else if (ch === S) {
      if (end < 0) end = i;
    } else if (end < 0) escaped = true;
  }
}

/**
 * The first `upTo` components of SEG-n's first repetition (the first subcomponent of each,
 * unescaped), '' past the end: firstComponents(msg, seg, n, upTo)[c - 1] is get(msg, seg, n, c),
 * as components(msg, seg, n, 1, upTo)[0] padded to upTo. One walk, one array of upTo strings, for
 * the multi-component reads of a mapper (names, addresses, CE codes).
 */
export function firstComponents(msg: Message, seg: Segment | undefined, n: number, upTo: number): string[] {
  const out = new Array<string>(upTo);
  let k = 0;
  if (seg instanceof SegmentLine && !(seg.shift && n <= 2)) {
    const f = seg.shift ? n - 1 : n;
    const e = endsOf(seg);
    if (f >= 0 && f < e.length && (f | 0) === f) {
      const a = f === 0 ? seg.offset : e[f - 1]! + 1;
      const b = e[f]!;
      if (a < b) k = leavesInto(msg, seg.text, seg.bytes, a, b, out, upTo);
    }
  } else {
    const x = components(msg, seg, n, 1, upTo)[0];
    if (x) for (; k < x.length; k++) out[k] = x[k]!;
  }
  for (; k < upTo; k++) out[k] = '';
  return out;
}

/**
 * components()' walk for one repetition: the leaves of the components of text[a, b) (a < b) from
 * the first, into out, up to upTo of them or the repetition's end; how many it wrote.
 */
function leavesInto(
  msg: Message,
  text: string,
  bytes: Uint8Array | undefined,
  a: number,
  b: number,
  out: string[],
  upTo: number,
): number {
  const { rep: R, comp: C, sub: S, esc: E } = msg.codes;
  let k = 0;
  let start = a;
  // End of the current component's first subcomponent, once a subcomponent separator was seen.
  let end = -1;
  let escaped = false;
  for (let i = a; ; i++) {
    i = nextMark(text, bytes, i, b, R, C, S, E);
    const ch = i < b ? (bytes ? bytes[i]! : text.charCodeAt(i)) : -1;
    if (ch === C || ch === R || ch === -1) {
      out[k++] = leafValue(msg, text, start, end < 0 ? i : end, escaped);
      if (ch !== C || k >= upTo) return k;
      start = i + 1;
      end = -1;
      escaped = false;
    } else if (ch === S) {
      if (end < 0) end = i;
    } else if (end < 0) escaped = true;
  }
}

/**
 * The first leaf (component 1, subcomponent 1, unescaped) of every repetition of SEG-n, as
 * components(msg, seg, n, Infinity, 1).map((r) => r[0]): repeating single-value fields (modifiers).
 */
export function firstOfEach(msg: Message, seg: Segment | undefined, n: number): string[] {
  const out: string[] = [];
  if (!(seg instanceof SegmentLine) || (seg.shift && n <= 2)) {
    for (const r of components(msg, seg, n, Infinity, 1)) out.push(r[0] ?? '');
    return out;
  }
  const f = seg.shift ? n - 1 : n;
  const e = endsOf(seg);
  if (!(f >= 0 && f < e.length) || (f | 0) !== f) return out;
  const { text, bytes } = seg;
  const b = e[f]!;
  const { rep: R, comp: C, sub: S, esc: E } = msg.codes;
  for (let i = f === 0 ? seg.offset : e[f - 1]! + 1; i < b; i++) {
    // The leaf ends at the first separator of any level; the rest of the repetition is skipped.
    const start = i;
    let ch = -1;
    let escaped = false;
    for (; i < b; i++) {
      const x = bytes ? bytes[i]! : text.charCodeAt(i);
      if (x === R || x === C || x === S) {
        ch = x;
        break;
      }
      if (x === E) escaped = true;
    }
    out.push(leafValue(msg, text, start, i, escaped));
    if (ch !== R) for (; i < b && text.charCodeAt(i) !== R; i++);
    // A repetition separator that ends the field starts one more (empty) repetition.
    if (i === b - 1) out.push('');
  }
  return out;
}

/** Whether SEG-n has more than one repetition (components() would give it several). */
export function hasRepetitions(msg: Message, seg: Segment | undefined, n: number): boolean {
  if (!(seg instanceof SegmentLine)) return repetitions(msg, seg, n).length > 1;
  if (seg.shift && n <= 2) return false;
  const f = seg.shift ? n - 1 : n;
  const e = endsOf(seg);
  if (!(f >= 0 && f < e.length) || (f | 0) !== f) return false;
  const at = seg.text.indexOf(msg.delimiters.repetition, f === 0 ? seg.offset : e[f - 1]! + 1);
  return at >= 0 && at < e[f]!;
}

/** The i-th (0-based) piece of s split on sep, without allocating the other pieces. */
function nth(s: string, sep: string, i: number): string {
  let start = 0;
  for (let k = 0; k < i; k++) {
    const at = s.indexOf(sep, start);
    if (at < 0) return '';
    start = at + 1;
  }
  const end = s.indexOf(sep, start);
  return end < 0 ? (start === 0 ? s : s.slice(start)) : s.slice(start, end);
}

/** Component c, subcomponent s of one repetition's text. */
export function leaf(rep: string, c: number, s: number, d: Delimiters): string {
  const v = nth(nth(rep, d.component, c - 1), d.subcomponent, s - 1);
  if (v === '""') return '';
  return v.indexOf(d.escape) < 0 ? v : unescape(v, d);
}

export function first(msg: Message, id: string): Segment | undefined {
  if (!(msg instanceof ParsedMessage)) return msg.byId.get(id)?.[0];
  const keys = msg.keys;
  const key = id.length === 3 ? idKey(id, 0) : -1;
  if (key < 0) return undefined;
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) return msg.segments[i];
  return undefined;
}

export function all(msg: Message, id: string): Segment[] {
  if (!(msg instanceof ParsedMessage)) return msg.byId.get(id) ?? [];
  // The last list made is kept: profile refs with a filter ask for the same segments in a row.
  if (id === msg.lastId) return msg.lastAll;
  const keys = msg.keys;
  const key = id.length === 3 ? idKey(id, 0) : -1;
  const out: Segment[] = [];
  if (key >= 0) for (let i = 0; i < keys.length; i++) if (keys[i] === key) out.push(msg.segments[i]!);
  msg.lastId = id;
  msg.lastAll = out;
  return out;
}

// ------------------------------------------------------------------ batches (HL7 v2.5 §2.10.3)

export interface Batch {
  /** FHS/BHS present: the text is an HL7 batch file. */
  isBatch: boolean;
  /** Each message's own text, segments joined with \r. */
  messages: { text: string; offset: number }[];
  /** BTS-1 / FTS-1 declared counts, when present. */
  declaredMessages?: number;
}

/**
 * Split a file or stream into messages: each MSH starts one; FHS/BHS/BTS/FTS envelopes are
 * dropped (checked against the BTS-1 count). A single message without envelopes gives one entry.
 */
export function splitBatch(input: string): { value: Batch; diagnostics: Diagnostic[] } {
  const text = stripFraming(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  const lines = splitSegments(perMessageLineFeeds(text));
  const diagnostics: Diagnostic[] = [];
  const messages: { text: string; offset: number }[] = [];
  let current: string[] | undefined;
  let currentOffset = 0;
  let isBatch = false;
  let declared: number | undefined;
  let fieldSep = '|';
  const flush = () => {
    if (current) messages.push({ text: current.join('\r'), offset: currentOffset });
    current = undefined;
  };
  for (const { line, offset } of lines) {
    const id = line.slice(0, 3);
    if (id === 'FHS' || id === 'BHS') {
      flush();
      isBatch = true;
      if (line.length > 3) fieldSep = line[3]!;
      continue;
    }
    if (id === 'BTS' || id === 'FTS') {
      flush();
      if (id === 'BTS') {
        const n = Number(line.split(fieldSep)[1] ?? '');
        if (line.split(fieldSep)[1] && Number.isInteger(n)) declared = (declared ?? 0) + n;
      }
      continue;
    }
    if (id === 'MSH') {
      flush();
      current = [line];
      currentOffset = offset;
      fieldSep = line[3] ?? fieldSep;
      continue;
    }
    if (current) current.push(line);
    else if (line.trim() !== '')
      diagnostics.push(warn('HL7_OUTSIDE_MESSAGE', `segment ${id} outside any message; skipped`, id, offset));
  }
  flush();
  if (declared !== undefined && declared !== messages.length)
    diagnostics.push(
      warn(
        'HL7_BATCH_COUNT',
        `BTS-1 declares ${declared} messages, found ${messages.length}`,
        'BTS',
        text.length,
        'BTS-1',
      ),
    );
  const value: Batch = { isBatch, messages };
  if (declared !== undefined) value.declaredMessages = declared;
  return { value, diagnostics };
}

/** dataLineFeeds on each message of a file (from one MSH/FHS/BHS line to the next): each picks its own terminator. */
function perMessageLineFeeds(text: string): string {
  if (text.indexOf('\n') < 0 || text.indexOf('\r') < 0) return text;
  let out = '';
  let from = 0;
  const starts = /[\r\n](?=MSH|FHS|BHS)/g;
  for (let m = starts.exec(text); ; m = starts.exec(text)) {
    const to = m ? m.index + 1 : text.length;
    out += dataLineFeeds(text.slice(from, to), text.charAt(from + 3));
    if (!m) return out;
    from = to;
  }
}

// ------------------------------------------------------------------ bytes to text

const win1252 = new TextDecoder('windows-1252');

/**
 * Bytes to text. UTF-8 unless MSH-18 names an 8-bit set or the bytes are not valid UTF-8, in which
 * case windows-1252 (a superset of ISO 8859-1 for printable text), which is what the practice
 * systems that send 8-bit text use.
 */
export function decodeBytes(raw: Buffer): { text: string; charset: 'utf-8' | 'windows-1252' } {
  // ASCII (most messages) reads the same in every one of these: a check and a copy, no UTF-8 decode.
  if (isAsciiBytes(raw)) return { text: raw.toString('latin1'), charset: 'utf-8' };
  const text = raw.toString('utf8');
  if (text.indexOf('\uFFFD') < 0) return { text, charset: 'utf-8' };
  return { text: win1252.decode(raw), charset: 'windows-1252' };
}

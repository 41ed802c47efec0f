// Byte emitter for the X12 writers: segments are written character by character into one growing
// buffer and decoded to a string once. X12 text is single-byte (latin1), so the common case never
// builds an intermediate string: no template pieces, no per-claim joins, no ropes to flatten, which
// is where the template-string writer spent most of its time and its ~8 MB of garbage per 0.6 MB file.
// A character above U+00FF (a name typed in another script) cannot go into a byte; it flushes the
// buffer into a list of strings and continues, so the output is always exactly what the string
// writer produced.
import type { Separators } from './types.js';
import { d8, makeClean, money, qty } from './values.js';

const SPACE = 32;

export type Head = Uint8Array | string;

/**
 * Buffers up to this size are kept for the next file. A fresh buffer of this size is a fresh mmap
 * each time, and its page faults on first write cost more than writing the bytes themselves.
 */
const KEEP = 8 << 20;
let spare: Buffer | undefined;
const EMPTY = Buffer.alloc(0);

export class Emitter {
  /** Segments terminated so far (SE01 counts them). */
  segments = 0;
  private buf: Buffer;
  private o = 0;
  /** Text before a character above U+00FF; undefined while everything fits in bytes. */
  private wide: string[] | undefined;
  /** One-byte separators as byte values, -1 when a separator is not a single byte. */
  private readonly eb: number;
  private readonly cb: number;
  private readonly tb: number;
  private readonly e: string;
  private readonly c: string;
  private readonly t: string;
  /** Byte → byte for free text, with the delimiters (as makeClean knows them) mapped to a space. */
  private readonly map: Uint8Array | undefined;
  private readonly clean: (v: string) => string;

  constructor(sep: Separators, sizeHint: number) {
    // The hint only saves regrowing: a huge batch starts at KEEP and grows like any other.
    const size = Math.min(Math.max(256, sizeHint), KEEP);
    if (spare && spare.length >= size) {
      this.buf = spare;
      spare = undefined;
    } else this.buf = Buffer.allocUnsafeSlow(size);
    this.e = sep.element;
    this.c = sep.component;
    this.t = sep.segment;
    this.eb = oneByte(sep.element);
    this.cb = oneByte(sep.component);
    this.tb = oneByte(sep.segment);
    this.clean = makeClean(sep);
    const delims = [sep.element, sep.component, sep.repetition, sep.segment[0] ?? '~'];
    // The table only stands in for makeClean when every delimiter is one byte; otherwise text()
    // goes through makeClean itself.
    if (delims.every((d) => oneByte(d) >= 0)) {
      const map = new Uint8Array(256);
      for (let i = 0; i < 256; i++) map[i] = i;
      for (const d of [...delims, '\r', '\n']) map[d.charCodeAt(0)] = SPACE;
      this.map = map;
    }
  }

  /** A constant run (segment head, empty elements) as bytes, or as text when it does not fit in bytes. */
  static head(s: string): Head {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return s;
    return Buffer.from(s, 'latin1');
  }

  /** Write a head made by Emitter.head(). */
  put(h: Head): void {
    if (typeof h === 'string') {
      this.raw(h);
      return;
    }
    const n = h.length;
    if (this.o + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let o = this.o;
    for (let i = 0; i < n; i++) b[o++] = h[i]!;
    this.o = o;
  }

  /** Copy `s` as it is (codes, identifiers). */
  raw(s: string): void {
    // Typed as strings, but a number that slipped through (a zip parsed from JSON) must come out as
    // `${v}` wrote it, not leave the offset NaN.
    if (typeof s !== 'string') s = String(s);
    const n = s.length;
    if (this.o + n > this.buf.length) this.grow(n);
    const b = this.buf;
    const o = this.o;
    // One test after the loop rather than one per character: a wide character is rare.
    let all = 0;
    for (let i = 0; i < n; i++) {
      const ch = s.charCodeAt(i);
      all |= ch;
      b[o + i] = ch;
    }
    if (all > 255) this.rawWide(s, false);
    else this.o = o + n;
  }

  /** raw()/text() for a value with a character above U+00FF: bytes up to it, then strings. */
  private rawWide(s: string, clean: boolean): void {
    const b = this.buf;
    let o = this.o;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch > 255) {
        this.o = o;
        this.flushWide(clean ? this.clean(s.slice(i)) : s.slice(i));
        return;
      }
      b[o++] = clean ? this.map![ch]! : ch;
    }
    this.o = o;
  }

  /** Free text (names, addresses, ids typed by people): delimiter characters become a space. */
  text(s: string): void {
    const map = this.map;
    if (!map || typeof s !== 'string') {
      this.raw(this.clean(s));
      return;
    }
    const n = s.length;
    if (this.o + n > this.buf.length) this.grow(n);
    const b = this.buf;
    const o = this.o;
    let all = 0;
    for (let i = 0; i < n; i++) {
      const ch = s.charCodeAt(i);
      all |= ch;
      b[o + i] = map[ch & 255]!;
    }
    if (all > 255) this.rawWide(s, true);
    else this.o = o + n;
  }

  /** One UTF-16 code unit (TOO03 surfaces are written one character per component). */
  unit(ch: number): void {
    if (ch > 255) {
      this.flushWide(String.fromCharCode(ch));
      return;
    }
    if (this.o + 1 > this.buf.length) this.grow(1);
    this.buf[this.o++] = ch;
  }

  /** Element separator. */
  el(): void {
    if (this.eb < 0) this.raw(this.e);
    else {
      if (this.o >= this.buf.length) this.grow(1);
      this.buf[this.o++] = this.eb;
    }
  }

  /** Component separator. */
  comp(): void {
    if (this.cb < 0) this.raw(this.c);
    else {
      if (this.o >= this.buf.length) this.grow(1);
      this.buf[this.o++] = this.cb;
    }
  }

  /** Segment terminator; counts the segment. */
  end(): void {
    if (this.tb < 0) this.raw(this.t);
    else {
      if (this.o >= this.buf.length) this.grow(1);
      this.buf[this.o++] = this.tb;
    }
    this.segments++;
  }

  /** A whole segment built elsewhere (envelope and header segments, once per file). */
  seg(s: string): void {
    this.raw(s);
    this.end();
  }

  /** A number as `${n}` writes it; digits straight into the buffer for non-negative integers. */
  int(n: number): void {
    if (!(n >= 0 && n < 1e15 && Math.floor(n) === n)) {
      this.raw(`${n}`);
      return;
    }
    let k = 1;
    for (let p = 10; p <= n; p *= 10) k++;
    if (this.o + k > this.buf.length) this.grow(k);
    const b = this.buf;
    let o = this.o + k;
    this.o = o;
    if (n <= 0x7fffffff) {
      // Int32 arithmetic: the division by 10 becomes a multiply, not a floating-point divide.
      let m = n | 0;
      do {
        const q = (m / 10) | 0;
        b[--o] = 48 + m - q * 10;
        m = q;
      } while (m > 0);
      return;
    }
    do {
      const q = Math.floor(n / 10);
      b[--o] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  /** X12 R amount from integer cents, exactly as values.ts money() writes it. */
  money(cents: number): void {
    if (!Number.isSafeInteger(cents)) {
      this.raw(money(cents));
      return;
    }
    const neg = cents < 0;
    const a = neg ? -cents : cents;
    const whole = Math.trunc(a / 100);
    const frac = a - whole * 100;
    if (neg) this.unit(45);
    this.int(whole);
    if (frac === 0) return;
    this.unit(46);
    if (frac % 10 === 0) this.unit(48 + frac / 10);
    else {
      this.unit(48 + Math.floor(frac / 10));
      this.unit(48 + (frac % 10));
    }
  }

  /** X12 R quantity, as values.ts qty() writes it. */
  qty(n: number): void {
    if (Number.isInteger(n)) this.int(n);
    else this.raw(qty(n));
  }

  /** 'YYYY-MM-DD' as D8 'CCYYMMDD' (values.ts d8()), without the slices. */
  d8(date: string): void {
    if (date.length !== 10) {
      this.raw(date);
      return;
    }
    if (this.o + 8 > this.buf.length) this.grow(8);
    const b = this.buf;
    let o = this.o;
    for (let i = 0; i < 10; i++) {
      if (i === 4 || i === 7) continue;
      const ch = date.charCodeAt(i);
      if (ch > 255) {
        this.raw(d8(date));
        return;
      }
      b[o++] = ch;
    }
    this.o = o;
  }

  /** The text written so far, as one flat string; the emitter gives its buffer back and is done. */
  string(): string {
    const tail = this.buf.toString('latin1', 0, this.o);
    if (this.buf.length <= KEEP && (!spare || spare.length < this.buf.length)) spare = this.buf;
    this.buf = EMPTY;
    this.o = 0;
    if (!this.wide) return tail;
    this.wide.push(tail);
    return this.wide.join('');
  }

  private flushWide(s: string): void {
    (this.wide ??= []).push(this.buf.toString('latin1', 0, this.o), s);
    this.o = 0;
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.o + need + 256));
    this.buf.copy(next, 0, 0, this.o);
    this.buf = next;
  }
}

function oneByte(s: string): number {
  return s.length === 1 && s.charCodeAt(0) <= 255 ? s.charCodeAt(0) : -1;
}

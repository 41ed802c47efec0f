// The emitter must write exactly what the string helpers in values.ts write (the 837 writer's output
// is pinned byte for byte): these cases compare the two, edge cases and non-latin1 text included.
import { describe, expect, it } from 'vitest';
import { Emitter } from './emit.js';
import { DEFAULT_SEPARATORS, type Separators } from './types.js';
import { d8, makeClean, money, qty } from './values.js';

function emit(write: (o: Emitter) => void, sep: Separators = DEFAULT_SEPARATORS, size = 256): string {
  const o = new Emitter(sep, size);
  write(o);
  return o.string();
}

describe('Emitter', () => {
  it('money, qty and int write what money(), qty() and `${n}` write, for every kind of number', () => {
    const cents = [0, -0, 1, 5, 9, 10, 50, 99, 100, 101, 110, 1005, 1050, 123456, -1, -10, -105, -100];
    for (let c = -2500; c <= 2500; c += 7) cents.push(c);
    cents.push(9007199254740991, -9007199254740991, 2 ** 53, 12.5, NaN, Infinity, 1e21);
    for (const c of cents) expect(emit((o) => o.money(c))).toBe(money(c));
    const units = [
      0,
      1,
      2,
      10,
      100,
      1.5,
      0.25,
      2.5,
      0.125,
      3.75,
      1e-7,
      12.3,
      -1,
      -2.5,
      1e15,
      1e21,
      2 ** 53,
      NaN,
    ];
    for (const u of units) expect(emit((o) => o.qty(u))).toBe(qty(u));
    for (const n of [0, -0, 7, 10, 99, 100, 12345, 999999999999999, 1e15, -3, 1.5, NaN])
      expect(emit((o) => o.int(n))).toBe(`${n}`);
  });

  it('d8 writes CCYYMMDD for YYYY-MM-DD and anything else unchanged, as d8() does', () => {
    for (const d of ['2026-01-31', '20260131', '2026-1-1', '', 'abcdefghij', '2026-0\u65e5-01'])
      expect(emit((o) => o.d8(d))).toBe(d8(d));
  });

  it('text replaces delimiters with a space exactly as makeClean, for one-byte, wide and multi-character separators', () => {
    const values = [
      'O*Brien',
      'A:B^C~D',
      'Line\r\nTwo',
      'Zo\u00eb',
      '\u65e5*\u672c',
      'x\u2022y',
      'Smile\ud83d\ude00*',
      'A*B|\u65e5C*D|',
      '',
    ];
    const seps: Separators[] = [
      DEFAULT_SEPARATORS,
      { element: '|', component: '>', repetition: '!', segment: '\n' },
      { element: '\u00a7', component: '\u2022', repetition: '^', segment: '~' },
      { element: '**', component: ':', repetition: '^', segment: '~\n' },
    ];
    for (const sep of seps) {
      const clean = makeClean(sep);
      for (const v of values) expect(emit((o) => o.text(v), sep)).toBe(clean(v));
    }
  });

  it('separators, heads and characters above U+00FF come out as the same string, the buffer growing as needed', () => {
    const sep: Separators = { element: '\u00a7', component: '\u2022', repetition: '^', segment: '~\r\n' };
    const head = Emitter.head('NM1\u00a7');
    const wideHead = Emitter.head('X\u2022');
    let expected = '';
    const text = emit(
      (o) => {
        for (let i = 0; i < 500; i++) {
          o.put(head);
          o.raw(`name${i}`);
          o.el();
          o.raw(i % 7 === 0 ? '\u65e5\u672c' : 'plain');
          o.comp();
          o.put(wideHead);
          o.unit(i % 5 === 0 ? 0x2603 : 65);
          o.end();
          expected += `NM1\u00a7name${i}\u00a7${i % 7 === 0 ? '\u65e5\u672c' : 'plain'}\u2022X\u2022${i % 5 === 0 ? '\u2603' : 'A'}~\r\n`;
        }
      },
      sep,
      16,
    );
    expect(text).toBe(expected);
  });

  it('a number where a string is typed is written as a template string would, an absent free-text value throws as before', () => {
    const zip = 62701 as unknown as string;
    expect(emit((o) => o.raw(zip))).toBe('62701');
    expect(emit((o) => o.text(zip))).toBe('62701');
    expect(() => emit((o) => o.text(undefined as unknown as string))).toThrow(TypeError);
  });

  it('segments counts end() calls; a second emitter reuses the buffer without touching the first string', () => {
    const o = new Emitter(DEFAULT_SEPARATORS, 64);
    o.raw('ST');
    o.end();
    o.seg('SE*2');
    expect(o.segments).toBe(2);
    const first = o.string();
    const again = emit((p) => p.raw('XXXXXXXXXX'), DEFAULT_SEPARATORS, 64);
    expect(first).toBe('ST~SE*2~');
    expect(again).toBe('XXXXXXXXXX');
  });
});

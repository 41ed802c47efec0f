import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/helpers/prng.js';
import { syntheticClaims, syntheticEnvelope } from './synthetic.js';
import { cut, detectSeparators, SegCursor, segmentAt, tokenize, X12Tokenizer } from './tokenize.js';
import { write837 } from './write-837.js';

const text = write837(syntheticClaims('medical', 4, 2), syntheticEnvelope());

/** tokenize (cut) and the streaming tokenizer give the same segments and diagnostics for `text`. */
function agree(text: string, what: string) {
  const tk = new X12Tokenizer();
  const streamed = [...tk.push(text), ...tk.end()];
  const whole = tokenize(text);
  expect(whole.segments, what).toEqual(streamed);
  expect(whole.diagnostics, what).toEqual(tk.diagnostics);
}

describe('tokenize', () => {
  it('reads delimiters from the fixed-width ISA, not from assumptions', () => {
    const odd = write837(
      syntheticClaims('medical', 1),
      syntheticEnvelope({ separators: { element: '|', component: '>', repetition: '!', segment: "'" } }),
    );
    const t = tokenize(odd);
    expect(t.separators).toEqual({ element: '|', component: '>', repetition: '!', segment: "'" });
    expect(t.segments[1]!.el.slice(0, 2)).toEqual(['GS', 'HC']);
  });

  it('same segments with or without newlines after terminators (LF, CRLF, BOM)', () => {
    const base = tokenize(text).segments.map((s) => s.el);
    for (const variant of [
      text.replaceAll('~', '~\n'),
      text.replaceAll('~', '~\r\n'),
      '\uFEFF' + text,
      '\n\n' + text + '\n',
    ])
      expect(tokenize(variant).segments.map((s) => s.el)).toEqual(base);
    expect(tokenize(text.replaceAll('~', '~\n')).separators!.segment).toBe('~\n');
  });

  it('segment numbers and offsets point at the segment', () => {
    const t = tokenize(text.replaceAll('~', '~\r\n'));
    const src = text.replaceAll('~', '~\r\n');
    for (const s of t.segments) expect(src.startsWith(s.el[0]!, s.offset)).toBe(true);
    expect(t.segments.map((s) => s.n)).toEqual(t.segments.map((_, i) => i + 1));
  });

  it('streaming in odd-sized chunks gives the same segments as the whole text', () => {
    const whole = tokenize(text).segments;
    for (const size of [1, 7, 105, 106, 107, 500]) {
      const tk = new X12Tokenizer();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...tk.push(text.slice(i, i + size)));
      got.push(...tk.end());
      expect(got, `chunk ${size}`).toEqual(whole);
    }
  });

  // cut() finds segment bounds with indexOf and segmentAt the separators inside them; the streaming
  // tokenizer splits chunks natively. Both must give the same segments for any text, whatever sits
  // between segments or at the end, with any separators (blanks and line breaks among them).
  it('cut and the streaming tokenizer agree on random texts, separators and wrappings', () => {
    const rnd = mulberry32(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const sets = [
      { e: '*', c: ':', r: '^', t: '~' },
      { e: '|', c: '>', r: '^', t: '\n' },
      { e: ' ', c: ':', r: '^', t: '~' },
      { e: '\x1d', c: '\x1f', r: '\x1e', t: '\x1c' },
      // A line break as element separator: one right after a terminator is skipped as a line break.
      { e: '\r', c: ':', r: '^', t: '~' },
    ];
    for (let round = 0; round < 300; round++) {
      const sep = pick(sets);
      const env = syntheticEnvelope({
        separators: { element: sep.e, component: sep.c, repetition: sep.r, segment: sep.t },
      });
      const base = write837(syntheticClaims('medical', 1 + Math.floor(rnd() * 3), round), env);
      const isa = base.slice(0, 106);
      const body = base
        .slice(106)
        .split(sep.t)
        .filter((x) => x !== '');
      const glue = [
        sep.t,
        sep.t + '\r\n',
        sep.t + '\n',
        sep.t + '\n  ',
        sep.t + sep.t,
        sep.t + '\r',
        '\r' + sep.t,
      ];
      let out = isa;
      for (const seg of body) {
        let x = seg;
        const roll = rnd();
        if (roll < 0.1) x = x + sep.e + sep.e;
        else if (roll < 0.15) x = sep.e + x;
        else if (roll < 0.2) x = x.replaceAll(sep.e, sep.e + sep.e);
        out += x + pick(glue);
      }
      if (rnd() < 0.3) out = out.slice(0, out.length - 1 - Math.floor(rnd() * 5));
      if (rnd() < 0.2) out += '  \r\n';
      agree(out, `round ${round}`);
    }
    // Separators that are blanks or line breaks at a segment's edges: a blank element separator in the
    // trailing blanks of an unterminated last segment, a CR element separator before an LF terminator.
    const blank = write837(
      syntheticClaims('medical', 1, 1),
      syntheticEnvelope({ separators: { element: ' ', component: ':', repetition: '^', segment: '~' } }),
    );
    agree(`${blank.slice(0, -1)}   \r\n`, 'blank separator, unterminated tail');
    const cr = write837(
      syntheticClaims('medical', 1, 1),
      syntheticEnvelope({ separators: { element: '\r', component: ':', repetition: '^', segment: '\n' } }),
    );
    // The ISA keeps its LF terminator (ISA16 then LF), the segments after it end in CRLF.
    const crlf = (eol: string) => cr.slice(0, 106) + cr.slice(106).replaceAll('\n', eol);
    agree(crlf('\r\n'), 'CR element separator, CRLF lines');
    agree(crlf('\r\r\n'), 'CR element separator, an empty last element, CRLF lines');
    expect(tokenize(crlf('\r\n')).segments[1]!.el).toEqual(cr.split('\n')[1]!.split('\r'));
  });

  it('reads a pretty-printed file (a line and an indent between segments) as the compact one', () => {
    const compact = tokenize(text).segments.map((s) => s.el);
    // ISA stays as it is (106 characters); every later segment goes on its own indented line.
    const pretty = text.slice(0, 106) + text.slice(106).replaceAll('~', '~\r\n    \t');
    expect(tokenize(pretty).diagnostics).toEqual([]);
    expect(tokenize(pretty).segments.map((s) => s.el)).toEqual(compact);
    const c = cut(pretty);
    expect(c.count).toBe(compact.length);
    expect(c.src.slice(c.start[1], c.end[1])).toBe(compact[1]!.join('*'));
    const tk = new X12Tokenizer();
    const streamed = [...tk.push(pretty.slice(0, 500)), ...tk.push(pretty.slice(500)), ...tk.end()];
    expect(streamed.map((s) => s.el)).toEqual(compact);
  });

  it('a missing terminator on the last segment is a diagnostic, and the segment is still read', () => {
    const t = tokenize(text.slice(0, -1));
    expect(t.diagnostics[0]).toMatchObject({ code: 'X12_UNTERMINATED', segment: 'IEA' });
    expect(t.segments.at(-1)!.el[0]).toBe('IEA');
  });

  it('no ISA or a short ISA is a diagnostic, not an exception', () => {
    expect(tokenize('GS*HC~').diagnostics[0]!.code).toBe('X12_NO_ISA');
    expect(detectSeparators('ISA*00*').diagnostics[0]!.code).toBe('X12_NO_ISA');
    expect(
      detectSeparators(text.slice(0, 106).replace('CLAIMBOXTEST   ', 'CLAIMBOXTEST    ').slice(0, 106))
        .diagnostics[0]!.code,
    ).toBe('X12_ISA_WIDTH');
  });

  it('an ISA off its fixed widths is an error, and its separators are found by counting its elements', () => {
    // Padding collapsed (ISA02, ISA04, ISA06 and ISA08 too short) and an over-wide one, each with
    // other separators than the fixed positions would give.
    const collapsed =
      'ISA*00* *00* *ZZ*SENDER *ZZ*RECEIVER *261102*0930*{*00501*000000101*0*T*>!\n' +
      'GS*HC*SENDER*RECEIVER*20261102*0930*101*X*005010X222A1!\n';
    const c = detectSeparators(collapsed);
    expect(c.diagnostics.map((d) => d.code)).toEqual(['X12_ISA_WIDTH']);
    expect(c.separators).toEqual({ element: '*', component: '>', repetition: '{', segment: '!\n' });
    const wide = text.slice(0, 106).replace('*CLAIMBOXTEST   *', '*CLAIMBOXTEST      *') + 'GS*HC~';
    const w = detectSeparators(wide);
    expect(w.diagnostics.map((d) => d.code)).toEqual(['X12_ISA_WIDTH']);
    expect(w.separators).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    // A whole 837 with a short ISA06 is cut into its real segments: no made-up terminator errors.
    const short = text.replace('*CLAIMBOXTEST   *', '*CLAIMBOXTEST*');
    const t = tokenize(short);
    expect(t.diagnostics.map((d) => d.code)).toEqual(['X12_ISA_WIDTH']);
    expect(t.segments.length).toBe(tokenize(text).segments.length);
    expect(t.segments[1]!.el[0]).toBe('GS');
    // Streamed in chunks of any size, an over-wide ISA gives the same separators and segments.
    const overWide = text.replace('*CLAIMBOXTEST   *', '*CLAIMBOXTEST        *');
    const whole = tokenize(overWide);
    expect(whole.diagnostics.map((d) => d.code)).toEqual(['X12_ISA_WIDTH']);
    for (const size of [1, 50, 108, 109, 111, 4096]) {
      const tk = new X12Tokenizer();
      const got = [];
      for (let i = 0; i < overWide.length; i += size) got.push(...tk.push(overWide.slice(i, i + size)));
      got.push(...tk.end());
      expect(got, `chunk ${size}`).toEqual(whole.segments);
      expect(tk.separators, `chunk ${size}`).toEqual(whole.separators);
    }
  });
});

describe('SegCursor', () => {
  it('reads every element exactly as segmentAt splits it, including absent and empty ones', () => {
    const odd = text.replace('N3*', 'N3**') + 'XYZ~ZZZZ*a:b::*:~';
    for (const src of [text, odd]) {
      const c = cut(src);
      const s = new SegCursor(c, '*');
      for (let i = 0; i < c.count; i++) {
        const seg = segmentAt(c, i, '*');
        s.moveTo(i);
        expect([s.id, s.n, s.count]).toEqual([seg.el[0], seg.n, seg.el.length - 1]);
        for (let k = 0; k <= s.count + 2; k++) {
          expect(s.at(k)).toBe(seg.el[k]);
          expect(s.get(k)).toBe(seg.el[k] ?? '');
          expect(s.len(k)).toBe(k === 0 ? 0 : (seg.el[k] ?? '').length);
          expect(s.is(k, seg.el[k] ?? '\u0000')).toBe(seg.el[k] !== undefined);
          expect(s.parts(k, ':')).toEqual((seg.el[k] ?? '').split(':'));
          for (let j = 0; j <= 4; j++) expect(s.part(k, j, ':')).toBe((seg.el[k] ?? '').split(':')[j - 1]);
        }
        expect(s.segment()).toEqual(seg);
      }
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffKind, sniffKinds } from './kind.js';
import { parseRetryAfter } from './rest.js';

const fixture = (n: string) =>
  readFileSync(join(import.meta.dirname, '../../test/fixtures/clearinghouse', n), 'utf8');

describe('sniffKind', () => {
  it('labels 999, 277CA and 835 by ST01', () => {
    expect(sniffKind(fixture('sample.999'))).toBe('999');
    expect(sniffKind(fixture('sample.277ca'))).toBe('277CA');
    expect(sniffKind(fixture('sample.835'))).toBe('835');
  });

  it('reads odd delimiters and a BOM, from the fixed-width ISA', () => {
    const odd =
      '\uFEFF' + fixture('sample.835').replaceAll('*', '|').replaceAll('~', '\r\n').replace(/\r\n$/, '\r\n');
    // ISA16 (component separator) stays ':'; the segment terminator is now CR (then LF as whitespace).
    expect(sniffKind(odd)).toBe('835');
  });

  it('labels an interchange holding only a TA1 as TA1, and one with a TA1 before its 999 group as 999', () => {
    const isa = fixture('sample.999').slice(0, 106);
    expect(sniffKind(`${isa}\nTA1*000000301*260105*0900*R*024~\nIEA*0*000000401~\n`)).toBe('TA1');
    const withGroup = fixture('sample.999').replace(/~\s*GS/, '~TA1*000000301*260105*0900*A*000~GS');
    expect(sniffKind(withGroup)).toBe('999');
  });

  it('calls a 277 status response (X212) and non-X12 text other', () => {
    expect(sniffKind(fixture('sample.277ca').replaceAll('005010X214', '005010X212'))).toBe('other');
    expect(sniffKind('{"claim":[]}')).toBe('other');
  });
});

describe('sniffKinds', () => {
  it('lists every kind of a file once, first seen first; an empty ST03 defers to GS08', () => {
    const ack = fixture('sample.999');
    const ca = fixture('sample.277ca');
    expect(sniffKinds(ack + ca + ack)).toEqual(['999', '277CA']);
    expect(sniffKinds(ca)).toEqual(['277CA']);
    expect(
      sniffKinds(
        ca.replace(/ST\*277\*(\w+)\*005010X214/, 'ST*277*$1*').replace('*005010X214~', '*005010X212~'),
      ),
    ).toEqual(['other']);
    expect(sniffKinds('{"claim":[]}')).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates, and nothing from junk', () => {
    expect(parseRetryAfter('12', 0)).toBe(12_000);
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

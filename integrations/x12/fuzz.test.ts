import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { build999 } from './ack999.js';
import { read837 } from './read-837.js';
import { read277CA, read835, read999 } from './read-acks.js';
import { syntheticClaims, syntheticEnvelope } from './synthetic.js';
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

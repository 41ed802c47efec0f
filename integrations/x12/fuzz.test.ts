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

describe('findings on damaged files are pinned', () => {
  // The validator and reader work on text offsets for speed; these recorded findings (taken before that
  // rewrite and unchanged by it) keep every code, message, position and their order from drifting.
  it('validator and 837 reader give the recorded diagnostics for seeded segment and element damage', () => {
    const sources = [
      write837(syntheticClaims('medical', 3, 5), syntheticEnvelope()),
      write837(syntheticClaims('dental', 3, 5), syntheticEnvelope()),
    ];
    const values = ['', 'ZZ', '99', '-1.5', '1.2.3', '20261399', 'ABK:J069', 'A'.repeat(90), '11:B:8', 'XX'];
    const r = rng(11);
    const lines: string[] = [];
    for (let round = 0; round < 60; round++) {
      const segs = sources[round % sources.length]!.split('~');
      const i = Math.floor(r() * segs.length);
      const kind = Math.floor(r() * 4);
      if (kind === 0) segs.splice(i, 1);
      else if (kind === 1) segs.splice(i, 0, segs[i] ?? '');
      else {
        const el = (segs[i] ?? '').split('*');
        el[1 + Math.floor(r() * (el.length + 1))] = values[Math.floor(r() * values.length)]!;
        segs[i] = Array.from(el, (v) => v ?? '').join('*');
      }
      const text = segs.join('~');
      const v = validateX12(text);
      const read = read837(text);
      lines.push(
        `#${round} ${v.ok ? 'ok' : 'bad'}`,
        ...[...v.errors, ...v.warnings].map((d) => `${d.severity} ${d.code} ${d.field ?? ''} ${d.message}`),
        ...read.diagnostics.map((d) => `read ${d.code} ${d.position ?? ''} ${d.message}`),
        `read claims ${read.value?.claims.length ?? 0}`,
      );
    }
    expect(lines.join('\n')).toMatchSnapshot();
  });
});

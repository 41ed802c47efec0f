import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readX12 } from './read.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/x12/${name}`, import.meta.url), 'utf8');

describe('readX12', () => {
  it('chooses the reader by ST01 and version', () => {
    expect(readX12(fixture('golden-837p.x12')).kind).toBe('837P');
    expect(readX12(fixture('golden-837d.x12')).kind).toBe('837D');
    expect(readX12(fixture('999-two-groups.x12')).kind).toBe('999');
    expect(readX12(fixture('277ca-mixed.x12')).kind).toBe('277CA');
    expect(readX12(fixture('835-two-payments.x12')).kind).toBe('835');
    expect(readX12(fixture('ta1-rejected.x12')).kind).toBe('TA1');
  });

  it('reads a file of two kinds (a 999 interchange, then a 277CA one) as one document per kind', () => {
    const r = readX12(fixture('999-two-groups.x12') + fixture('277ca-provider-rejected.x12'));
    expect(r.kind).toBe('mixed');
    expect(r.diagnostics).toEqual([]);
    const docs = r.value as { kind: string; value: unknown[] }[];
    expect(docs.map((d) => [d.kind, d.value.length])).toEqual([
      ['999', 2],
      ['277CA', 1],
    ]);
  });
});

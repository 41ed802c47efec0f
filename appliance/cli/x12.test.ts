import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import verb from './x12.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/x12/${name}`, import.meta.url));

function capture() {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  return () => out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('claimbox x12', () => {
  it('validate exits 0 for a valid file', async () => {
    const out = capture();
    expect(await verb.run(['validate', fixture('golden-837p.x12')])).toBe(0);
    expect(out()).toMatch(/valid/);
  });

  it('validate exits 1 and lists errors with segment positions for an invalid file', async () => {
    const out = capture();
    expect(await verb.run(['validate', fixture('broken/837p-se-count.x12')])).toBe(1);
    expect(out()).toMatch(/X12_SE_COUNT {2}segment \d+ \(SE SE01\)/);
  });

  it('read prints the parsed document as JSON, one entry per transaction set', async () => {
    const out = capture();
    expect(await verb.run(['read', fixture('835-realistic.x12')])).toBe(0);
    const doc = JSON.parse(out()) as {
      kind: string;
      value: { payment: { amountCents: number }; control: { set: string } }[];
    };
    expect(doc.kind).toBe('835');
    expect(doc.value.map((v) => [v.control.set, v.payment.amountCents])).toEqual([['0001', 6325]]);
  });

  it('read prints a TA1 interchange acknowledgment', async () => {
    const out = capture();
    expect(await verb.run(['read', fixture('ta1-rejected.x12')])).toBe(0);
    const doc = JSON.parse(out()) as { kind: string; value: { status: string; noteCode: string }[] };
    expect(doc.kind).toBe('TA1');
    expect(doc.value).toMatchObject([{ status: 'R', noteCode: '024' }]);
  });

  it('a missing subverb is a usage error', () => {
    expect(() => verb.run([])).toThrow(/subverb/);
  });
});

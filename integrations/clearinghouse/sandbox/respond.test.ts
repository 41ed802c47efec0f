import { describe, expect, it } from 'vitest';
import { syntheticClaims, syntheticEnvelope } from '../../x12/synthetic.js';
import { write837 } from '../../x12/write-837.js';
import { validateX12 } from '../../x12/validate.js';
import { respondToUpload } from './respond.js';

describe('respondToUpload', () => {
  it.each(['medical', 'dental'] as const)(
    'answers a %s 837 with 999, 277CA and 835s the x12 validator finds clean',
    (kind) => {
      let n = 0;
      const out = respondToUpload(write837(syntheticClaims(kind, 60, 3), syntheticEnvelope()), {
        seed: 3,
        fileId: '9',
        now: new Date(Date.UTC(2026, 10, 22)),
        reversalRate: 0.3,
        nextControl: () => ++n,
      });
      if ('error' in out) throw new Error(out.error);
      expect(out.documents.map((d) => d.kind).slice(0, 2)).toEqual(['999', '277CA']);
      expect(out.documents.some((d) => d.kind === '835' && d.delaySteps === 2)).toBe(true);
      for (const d of out.documents) expect(validateX12(d.content).errors, d.fileName).toEqual([]);
    },
  );

  it('refuses text that is not X12', () => {
    expect(respondToUpload('hello', { seed: 1, fileId: '1', now: new Date(), nextControl: () => 1 })).toEqual(
      {
        error: 'not an X12 interchange (no ISA)',
      },
    );
  });
});

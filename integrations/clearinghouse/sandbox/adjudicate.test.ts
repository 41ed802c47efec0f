import { describe, expect, it } from 'vitest';
import { syntheticClaims, syntheticEnvelope } from '../../x12/synthetic.js';
import { write837 } from '../../x12/write-837.js';
import { tokenize } from '../../x12/tokenize.js';
import { read837 } from '../../x12/read-837.js';
import { read277CA } from '../../x12/read-acks.js';
import { write277CA } from '../../x12/write-acks.js';
import { proposePostings, reconcile835 } from '../../../appliance/pipeline/remit.js';
import { classifyCarc } from '../../../appliance/domain/carc.js';
import { adjudicate, type UploadReading } from './adjudicate.js';

const NOW = new Date(Date.UTC(2026, 10, 22, 12, 0));

function reading(n: number, seed = 3): UploadReading {
  const text = write837(syntheticClaims('medical', n, seed), syntheticEnvelope());
  const tk = tokenize(text);
  const r = read837(text);
  return {
    segments: tk.segments,
    groupControlNumber: '101',
    groupVersion: '005010X222A1',
    claims: r.value!.claims,
    diagnostics: r.diagnostics,
  };
}

describe('sandbox adjudicate', () => {
  it('balances every 835 it makes, to the cent, across seeds and with reversals', () => {
    for (const seed of [1, 2, 3, 42, 99]) {
      const out = adjudicate(reading(60, seed), { seed, fileId: '1001', now: NOW, reversalRate: 0.2 });
      expect(out.remits.length).toBeGreaterThan(0);
      for (const r of out.remits) expect(reconcile835(r.remit)).toEqual([]);
    }
  });

  it("echoes the 837's BHT03 in the 277CA's 2200B TRN02, as a clearinghouse does", () => {
    const r = reading(5);
    const bht03 = r.segments.find((s) => s.el[0] === 'BHT')!.el[3]!;
    const out = adjudicate(r, { seed: 1, fileId: '1001', now: NOW });
    const text = write277CA(out.ack277!, syntheticEnvelope());
    expect(read277CA(text).value![0]!.batchReference).toBe(bht03);
  });

  it('is deterministic by seed, and differs between seeds', () => {
    const a = adjudicate(reading(40), { seed: 5, fileId: '1001', now: NOW });
    const b = adjudicate(reading(40), { seed: 5, fileId: '1001', now: NOW });
    const c = adjudicate(reading(40), { seed: 6, fileId: '1001', now: NOW });
    expect(b).toEqual(a);
    expect(JSON.stringify(c.remits)).not.toEqual(JSON.stringify(a.remits));
  });

  it('produces the payer behaviours the training mode needs, over enough claims', () => {
    const out = adjudicate(reading(400, 8), { seed: 8, fileId: '1001', now: NOW, reversalRate: 0.1 });
    const adjs = out.remits.flatMap((r) =>
      r.remit.claims.flatMap((c) => [...c.adjustments, ...c.services.flatMap((s) => s.adjustments)]),
    );
    const seen = new Set(adjs.map((a) => `${a.group}-${a.reason}`));
    for (const code of ['CO-45', 'PR-1', 'PR-2', 'PR-3', 'CO-16', 'CO-97', 'CO-50', 'CO-96', 'CO-197'])
      expect(seen, code).toContain(code);
    const statuses = new Set(out.remits.flatMap((r) => r.remit.claims.map((c) => c.status)));
    expect(statuses).toContain('22');
    expect(statuses).toContain('4');
    expect(out.remits.some((r) => r.remit.providerAdjustments.length > 0)).toBe(true);
    const categories = new Set(out.ack277!.claims.flatMap((c) => c.statuses.map((x) => x.category)));
    expect(categories).toContain('A7');
    expect(categories).toContain('A3');
    expect(categories).toContain('A1');
  });

  it('denies a resent original claim as a duplicate (CO-18)', () => {
    const first = reading(3);
    const out = adjudicate(first, {
      seed: 1,
      fileId: '1002',
      now: NOW,
      previouslySeen: first.claims.map((c) => c.patientControlNumber),
    });
    const originals = new Set(
      first.claims.filter((c) => c.frequency === '1').map((c) => c.patientControlNumber),
    );
    const denied = out.remits
      .flatMap((r) => r.remit.claims)
      .filter((c) => originals.has(c.patientControlNumber));
    expect(denied.length).toBeGreaterThan(0);
    for (const c of denied)
      expect(c.services[0]!.adjustments[0]).toMatchObject({ group: 'CO', reason: '18' });
  });

  it('denies claims with service dates over a year old (CO-29), as timely filing', () => {
    const r = reading(2);
    const late = new Date(Date.UTC(2028, 0, 15));
    const out = adjudicate(r, { seed: 1, fileId: '1003', now: late });
    const plan = proposePostings(out.remits[0]!.remit, () => undefined);
    expect(plan.proposals.every((p) => p.outcome === 'denied')).toBe(true);
    expect(plan.proposals.flatMap((p) => p.denials).every((d) => d.category === 'timely_filing')).toBe(true);
  });

  it('maps every sandbox denial to the category its CARC names', () => {
    const out = adjudicate(reading(300, 4), { seed: 4, fileId: '1001', now: NOW });
    for (const r of out.remits) {
      const plan = proposePostings(r.remit, () => undefined);
      for (const d of plan.proposals.flatMap((p) => p.denials))
        expect(d.category).toBe(
          classifyCarc(
            d.carc,
            d.rarcs.map((x) => x.code),
          ).category,
        );
      const cats = new Set(plan.proposals.flatMap((p) => p.denials.map((d) => `${d.carc}:${d.category}`)));
      for (const c of cats)
        expect([
          '16:missing_information',
          '97:bundled',
          '4:modifier_issue',
          '50:non_covered',
          '96:non_covered',
          '197:prior_auth',
          '18:duplicate',
          '29:timely_filing',
        ]).toContain(c);
    }
  });

  it('rejects the transaction set in the 999, with IK3/IK4, when the 837 has an error inside ST/SE', () => {
    const r = reading(2);
    const clm = r.segments.find((s) => s.el[0] === 'CLM')!;
    r.diagnostics = [
      {
        code: 'X12_BAD_AMOUNT',
        message: 'CLM02 is not an amount',
        severity: 'error',
        segment: 'CLM',
        position: clm.n,
        field: 'CLM02',
      },
    ];
    const out = adjudicate(r, { seed: 1, fileId: '1004', now: NOW });
    expect(out.ack999.status).toBe('R');
    const t = out.ack999.transactions[0]!;
    expect(t.status).toBe('R');
    expect(t.segmentErrors[0]).toMatchObject({
      segmentId: 'CLM',
      code: '8',
      elements: [{ position: 2, code: '6' }],
    });
    expect(out.ack277).toBeUndefined();
    expect(out.remits).toEqual([]);
  });
});

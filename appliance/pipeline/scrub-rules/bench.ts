// `claimbox bench` figures for scrubbing and claim building: pure computation over in-memory code
// sets, so the figure is claims per second on one core (median of several rounds).
import { buildClaims } from '../claims.js';
import { scrubClaim } from '../scrub.js';
import { sampleCodeSets } from '../test-codesets.js';
import { sampleBilling, sampleClaim, sampleCoded, sampleEncounter } from '../test-fixtures.js';

export type BenchRow = { name: string; value: number; unit: string; note?: string };

function medianRate(rounds: number, n: number, work: () => void): number {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) work();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(n / s);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

export function benchScrub(n = 20_000, rounds = 5): Promise<BenchRow[]> {
  const codeSets = sampleCodeSets({
    ptp: [{ column1: '99214', column2: '81002', modifierIndicator: '1' }],
    mue: [{ code: '81002', value: 2, adjudicationIndicator: '3' }],
  });
  const ctx = {
    codeSets,
    today: '2026-03-10',
    payer: { payerId: 'SANDBOX1', timelyFilingDays: 365 },
    isDuplicate: () => false,
  };
  const claim = sampleClaim();
  const enc = sampleEncounter();
  const coded = sampleCoded();
  const billing = sampleBilling();
  const scrub = medianRate(rounds, n, () => void scrubClaim(claim, ctx));
  const build = medianRate(rounds, n, () => void buildClaims(enc, coded, billing));
  return Promise.resolve([
    {
      name: 'scrub.claims_per_s',
      value: Math.round(scrub),
      unit: 'claims/s',
      note: '2-line 837P, every rule, median',
    },
    {
      name: 'claims.build_per_s',
      value: Math.round(build),
      unit: 'claims/s',
      note: 'buildClaims, 2 lines, median',
    },
  ]);
}

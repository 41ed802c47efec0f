// `claimbox bench` rows for the clearinghouse: how long from an 837 upload until its 999 and 277CA
// can be fetched, against the sandbox over a real loopback socket with the REST transport; and how
// long fetching, reading and reconciling the 835s takes.
import { performance } from 'node:perf_hooks';
import { syntheticClaims, syntheticEnvelope } from '../x12/synthetic.js';
import { write837 } from '../x12/write-837.js';
import { read835 } from '../x12/read-acks.js';
import { createSandboxTransport, SANDBOX_ACCOUNT_KEY, type RestTransport } from './rest.js';
import { serveSandbox } from './sandbox/serve.js';

export type BenchRow = { name: string; value: number; unit: string; note?: string };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Upload one file and poll until both its acknowledgments are fetched; confirm everything fetched. */
async function roundTrip(t: RestTransport, fileName: string, content: string): Promise<number> {
  const started = performance.now();
  const up = await t.upload({ fileName, content });
  const want = new Set([`${up.remoteId}.999`, `${up.remoteId}.277`]);
  for (;;) {
    for (const d of await t.fetch()) {
      if (d.fileName) want.delete(d.fileName);
      await t.confirm(d);
    }
    if (want.size === 0) return performance.now() - started;
  }
}

function file(claims: number, seed: number, control: number): string {
  return write837(
    syntheticClaims('medical', claims, seed),
    syntheticEnvelope({ isaControl: control, gsControl: control }),
  );
}

export async function benchClearinghouse(
  opts: { rounds?: number; batchClaims?: number } = {},
): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 100;
  const batchClaims = opts.batchClaims ?? 100;
  const note = 'REST transport → sandbox on loopback; upload until 999 and 277CA fetched';
  const rows: BenchRow[] = [];

  // 835s are held back (long delay) so each poll is the acknowledgment path only.
  const acks = await serveSandbox({ seed: 42, eraDelayMs: 3_600_000, accountKey: SANDBOX_ACCOUNT_KEY });
  try {
    const t = createSandboxTransport(acks.url);
    for (let i = 0; i < 10; i++) await roundTrip(t, `warm-${i}.837`, file(1, 900 + i, 900 + i));
    const one: number[] = [];
    for (let i = 0; i < rounds; i++) one.push(await roundTrip(t, `one-${i}.837`, file(1, 1000 + i, 1 + i)));
    one.sort((a, b) => a - b);
    const batch: number[] = [];
    for (let i = 0; i < 10; i++)
      batch.push(await roundTrip(t, `batch-${i}.837`, file(batchClaims, 5000 + i, 5000 + i)));
    batch.sort((a, b) => a - b);
    rows.push(
      { name: 'clearinghouse.roundtrip_1_claim.p50', value: round(quantile(one, 0.5)), unit: 'ms', note },
      { name: 'clearinghouse.roundtrip_1_claim.p99', value: round(quantile(one, 0.99)), unit: 'ms', note },
      {
        name: `clearinghouse.roundtrip_${batchClaims}_claims.p50`,
        value: round(quantile(batch, 0.5)),
        unit: 'ms',
        note,
      },
      {
        name: `clearinghouse.roundtrip_${batchClaims}_claims.p99`,
        value: round(quantile(batch, 0.99)),
        unit: 'ms',
        note: `${note}; ${batch.length} runs`,
      },
    );
  } finally {
    await acks.close();
  }

  // ERA side: fetch (eralist + era835) and read every 835 of a few batches.
  const eras = await serveSandbox({ seed: 42, eraDelayMs: 0, accountKey: SANDBOX_ACCOUNT_KEY });
  try {
    const t = createSandboxTransport(eras.url);
    for (let i = 0; i < 5; i++)
      await t.upload({ fileName: `era-${i}.837`, content: file(batchClaims, 7000 + i, 7000 + i) });
    const started = performance.now();
    const docs = (await t.fetch()).filter((d) => d.kind === '835');
    let claims = 0;
    for (const d of docs) for (const r of read835(d.content).value ?? []) claims += r.claims.length;
    const ms = performance.now() - started;
    rows.push({
      name: 'clearinghouse.era_fetch_and_read',
      value: round(ms / Math.max(1, docs.length)),
      unit: 'ms/835',
      note: `${docs.length} ERAs, ${claims} claims, fetched over REST and read`,
    });
  } finally {
    await eras.close();
  }
  return rows;
}

// `claimbox bench` rows for the audit log (issue 6 "Speed"): appends inside pipeline-sized
// transactions on a synchronous=FULL file, and verified entries/s over a chain of a million.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditInput } from '../domain/audit.js';
import { openStore } from '../store/open.js';
import { AUDIT_COLUMNS, appendAudit, type AuditTuple } from './log.js';
import { loadOrCreateSigningKey } from './keys.js';
import { verifyAudit } from './verify.js';

export type BenchRow = { name: string; value: number; unit: string; note?: string };

export interface AuditBenchOptions {
  /** Entries in the chain that verify runs over. */
  verifyEntries?: number;
  /** Pipeline-like transactions timed for appends. */
  appendTransactions?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** About what a claim transition writes: ids, codes, amounts, no PHI. */
function entry(i: number): AuditInput {
  return {
    event: 'CLAIM_CREATED',
    actor: 'service:claims',
    entityType: 'claim',
    entityId: String(100_000 + i),
    detail: {
      claimId: 100_000 + i,
      encounterId: 50_000 + i,
      payerId: 'SX123',
      totalCents: 12_345,
      lines: 3,
      mrnLast4: '0042',
    },
    sourceAddress: '127.0.0.1',
  };
}

export async function benchAudit(opts: AuditBenchOptions = {}): Promise<BenchRow[]> {
  const verifyEntries = opts.verifyEntries ?? 1_000_000;
  const txs = opts.appendTransactions ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-bench-audit-'));
  const rows: BenchRow[] = [];
  try {
    // 1. Appends riding in the pipeline's own transactions: 1,000 state updates + 1,000 entries
    //    per transaction, WAL + synchronous=FULL on a real file (one fsync per transaction).
    const store = openStore(join(dir, 'append.db'));
    const upsert = store.sqlite.prepare(
      'INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    const perTx: number[] = [];
    const stateOnly: number[] = [];
    for (let t = 0; t < txs; t++) {
      const inputs = Array.from({ length: 1000 }, (_, i) => entry(t * 1000 + i));
      let t0 = performance.now();
      store.tx(() => {
        for (let i = 0; i < 1000; i++) upsert.run(`bench-${i}`, String(t), t);
        appendAudit(store, inputs, Date.now());
      });
      perTx.push(1000 / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      store.tx(() => {
        for (let i = 0; i < 1000; i++) upsert.run(`bench-${i}`, String(t + 1), t);
      });
      stateOnly.push(1000 / ((performance.now() - t0) / 1000));
    }
    store.close();
    rows.push({
      name: 'audit append in pipeline tx (1,000 updates + 1,000 entries, sync=FULL)',
      value: Math.round(median(perTx)),
      unit: 'entries/s',
      note: `same transactions without audit: ${Math.round(median(stateOnly)).toLocaleString('en-US')} updates/s`,
    });

    // 2. Verify: build the chain through appendAudit in one big transaction, then verify it.
    const chainPath = join(dir, 'chain.db');
    const chain = openStore(chainPath);
    const t0 = performance.now();
    chain.tx(() => {
      for (let i = 0; i < verifyEntries; i += 10_000) {
        const n = Math.min(10_000, verifyEntries - i);
        appendAudit(
          chain,
          Array.from({ length: n }, (_, k) => entry(i + k)),
          1_790_000_000_000 + i,
        );
      }
    });
    const buildRate = verifyEntries / ((performance.now() - t0) / 1000);
    chain.close();
    rows.push({ name: 'audit append, one big transaction', value: Math.round(buildRate), unit: 'entries/s' });

    const key = loadOrCreateSigningKey(join(dir, 'key.pem'));
    const parallel: number[] = [];
    let workersUsed = 0;
    for (let r = 0; r < 3; r++) {
      const res = await verifyAudit({ dbPath: chainPath, publicKey: key.publicKey });
      if (!res.ok) throw new Error(`bench chain did not verify: ${res.firstBad?.message}`);
      workersUsed = res.workersUsed;
      parallel.push(res.entries / (res.elapsedMs / 1000));
    }
    rows.push({
      name: `audit verify (${verifyEntries.toLocaleString('en-US')} entries)`,
      value: Math.round(median(parallel)),
      unit: 'entries/s',
      note: `${workersUsed} worker threads, median of 3, target 500,000`,
    });
    const single = await verifyAudit({ dbPath: chainPath, publicKey: key.publicKey, workers: 0 });
    rows.push({
      name: 'audit verify, one thread',
      value: Math.round(single.entries / (single.elapsedMs / 1000)),
      unit: 'entries/s',
    });
    rows.push({
      name: 'audit verify, naive baseline',
      value: Math.round(naiveVerify(chainPath)),
      unit: 'entries/s',
      note: 'read 11 columns, JSON.stringify, createHash per row',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The straightforward loop, for comparison: entries/s. */
function naiveVerify(path: string): number {
  const db = new Database(path, { readonly: true });
  const t0 = performance.now();
  let n = 0;
  let prev = '0'.repeat(64);
  for (const row of db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`).iterate()) {
    const r = row as Record<string, unknown>;
    const t = [
      r.seq,
      r.ts,
      r.actor,
      r.event,
      r.entity_type,
      r.entity_id,
      r.detail,
      r.source,
      r.outcome,
      r.prev_hash,
    ] as unknown as AuditTuple;
    const h = createHash('sha256').update(JSON.stringify(t)).digest('hex');
    if (h !== r.hash || r.prev_hash !== prev) throw new Error('naive verify found a break');
    prev = h;
    n++;
  }
  db.close();
  return n / ((performance.now() - t0) / 1000);
}

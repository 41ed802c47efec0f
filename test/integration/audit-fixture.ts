// A real audit chain on a temp SQLite file, with checkpoints in the database and the sink file,
// for the tamper trials and the CLI tests (issue 6). Synthetic data only.
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointer } from '../../appliance/audit/checkpoint.js';
import { loadOrCreateSigningKey, type SigningKey } from '../../appliance/audit/keys.js';
import { appendAudit } from '../../appliance/audit/log.js';
import { defaultConfig } from '../../appliance/config.js';
import { AUDIT_EVENTS, type AuditInput } from '../../appliance/domain/audit.js';
import { silentLogger } from '../../appliance/log.js';
import { openStore } from '../../appliance/store/open.js';
import { mulberry32 } from '../helpers/prng.js';

export interface AuditFixture {
  dir: string;
  dbPath: string;
  sinkFile: string;
  keyFile: string;
  key: SigningKey;
  entries: number;
  /** A fresh copy of the database (the original stays pristine). */
  copy(name: string): string;
}

export const T0 = Date.UTC(2026, 9, 1, 8, 0, 0);

/** Deterministic PRNG: tamper targets are random but repeatable. */
export const prng = mulberry32;

export function sampleEntry(i: number): AuditInput {
  return {
    event: AUDIT_EVENTS[i % AUDIT_EVENTS.length]!,
    actor: i % 7 === 0 ? 'user:biller1' : 'service:claims',
    entityType: 'claim',
    entityId: `CLM-${100000 + i}`,
    detail: { claimId: 100000 + i, payer: 'SX123', totalCents: 1000 + i, mrnLast4: '0042' },
    sourceAddress: '127.0.0.1',
    outcome: i % 13 === 0 ? 'failure' : 'success',
  };
}

/** `entries` entries in transactions of `batch`, a checkpoint every `every` entries. */
export function buildAuditFixture(entries = 1200, every = 100, batch = 50): AuditFixture {
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-audit-'));
  const dbPath = join(dir, 'data', 'claimbox.db');
  const sinkFile = join(dir, 'backup', 'audit-checkpoints.jsonl');
  const keyFile = join(dir, 'keys', 'audit-key.pem');
  const config = defaultConfig();
  config.audit = {
    ...config.audit,
    checkpoint_every: every,
    key_file: keyFile,
    sink_file: sinkFile,
    syslog: false,
  };
  const store = openStore(dbPath);
  const key = loadOrCreateSigningKey(keyFile);
  let now = T0;
  const cp = createCheckpointer({
    store,
    config,
    logger: silentLogger(),
    clock: { now: () => now },
    key,
  });
  for (let i = 0; i < entries; i += batch) {
    now += 60_000;
    const n = Math.min(batch, entries - i);
    store.tx(() =>
      appendAudit(
        store,
        Array.from({ length: n }, (_, k) => sampleEntry(i + k)),
        now,
      ),
    );
    cp.maybeCheckpoint();
  }
  cp.close();
  store.close();
  let copies = 0;
  return {
    dir,
    dbPath,
    sinkFile,
    keyFile,
    key,
    entries,
    copy(name) {
      const path = join(dir, `${name}-${++copies}.db`);
      copyFileSync(dbPath, path);
      return path;
    },
  };
}

/** Open a copy for tampering, with the append-only triggers dropped (as an attacker would). */
export function tamper(path: string, fn: (db: Database.Database) => void): void {
  const db = new Database(path);
  db.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
           DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;`);
  fn(db);
  db.close();
}

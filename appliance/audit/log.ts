// Append to the hash-chained audit log inside the caller's transaction (issue 6): the entry of a
// state change commits with the change or not at all, and costs no extra fsync.
import { createHash } from 'node:crypto';
import type { AuditInput } from '../domain/audit.js';
import type { Store } from '../store/open.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRow {
  seq: number;
  ts: number;
  actor: string;
  event: string;
  entityType: string | null;
  entityId: string | null;
  detail: string;
  source: string | null;
  outcome: string;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level: one byte sequence per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
}

/** The bytes an entry's hash covers: every field but the hash itself, in a fixed order. */
export function entryPreimage(e: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([
    e.seq,
    e.ts,
    e.actor,
    e.event,
    e.entityType,
    e.entityId,
    e.detail,
    e.source,
    e.outcome,
    e.prevHash,
  ]);
}

export function hashEntry(e: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256').update(entryPreimage(e)).digest('hex');
}

/**
 * Append entries. Must be called inside store.tx(): it reads the head and inserts in the same
 * transaction, so concurrent writers (serve and a CLI verb) serialize on SQLite's write lock.
 */
export function appendAudit(store: Store, entries: readonly AuditInput[], now: number): AuditRow[] {
  if (entries.length === 0) return [];
  const sqlite = store.sqlite;
  if (!sqlite.inTransaction) throw new Error('appendAudit must run inside a store transaction');
  const head = sqlite.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const insert = sqlite.prepare(
    'INSERT INTO audit_log (seq, ts, actor, event, entity_type, entity_id, detail, source, outcome, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
  );
  const rows: AuditRow[] = [];
  for (const e of entries) {
    seq += 1;
    const base = {
      seq,
      ts: now,
      actor: e.actor,
      event: e.event,
      entityType: e.entityType ?? null,
      entityId: e.entityId ?? null,
      detail: canonicalJson(e.detail ?? {}),
      source: e.sourceAddress ?? null,
      outcome: e.outcome ?? 'success',
      prevHash,
    };
    const hash = hashEntry(base);
    insert.run(
      base.seq,
      base.ts,
      base.actor,
      base.event,
      base.entityType,
      base.entityId,
      base.detail,
      base.source,
      base.outcome,
      base.prevHash,
      hash,
    );
    rows.push({ ...base, hash });
    prevHash = hash;
  }
  return rows;
}

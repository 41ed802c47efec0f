// Append to the hash-chained audit log inside the caller's transaction (issue 6): the entry of a
// state change commits with the change or not at all, and costs no extra fsync.
//
// Retention: entries are kept at least 7 years (ARCHITECTURE.md "Data"). No code path in claimbox
// deletes or rewrites an audit entry; triggers (migration 0001) refuse UPDATE and DELETE outright.
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3';
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

/** One row as `.raw()` returns it, in AUDIT_COLUMNS order. */
export type AuditTuple = [
  seq: number,
  ts: number,
  actor: string,
  event: string,
  entityType: string | null,
  entityId: string | null,
  detail: string,
  source: string | null,
  outcome: string,
  prevHash: string,
  hash: string,
];

/** Every column, in the order the preimage covers them (hash last, not covered). */
export const AUDIT_COLUMNS =
  'seq, ts, actor, event, entity_type, entity_id, detail, source, outcome, prev_hash, hash';

/** JSON with object keys sorted at every level: one byte sequence per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  // Loops rather than map/filter/join: this runs once per audit entry on the pipeline's path.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/**
 * The bytes an entry's hash covers: every field but the hash itself, in a fixed order, as the
 * ECMA-262 JSON.stringify of that array (UTF-8). JSON is injective, so no two different entries
 * share a preimage. The verifier may build the same text with SQLite's json_array() for speed, but
 * this function is the definition.
 */
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
  return hash('sha256', entryPreimage(e), 'hex');
}

/** The hash a raw tuple should carry (its first ten fields), optionally as if it had another seq. */
export function hashTuple(t: AuditTuple, seq: number = t[0]): string {
  return hash('sha256', JSON.stringify([seq, t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]]), 'hex');
}

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * SQLite stores UTF-8, so a lone UTF-16 surrogate comes back as U+FFFD; hash what will be stored,
 * or the entry would never verify.
 */
function storable(s: string): string {
  return SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\uFFFD') : s;
}
function storableOrNull(s: string | undefined): string | null {
  return s === undefined ? null : storable(s);
}

interface Statements {
  head: Database.Statement<[], { seq: number; hash: string }>;
  insert: Database.Statement<unknown[]>;
}
/** Prepared once per connection: appends run inside every pipeline transaction. */
const statementCache = new WeakMap<Database.Database, Statements>();

function statementsFor(sqlite: Database.Database): Statements {
  let s = statementCache.get(sqlite);
  if (!s) {
    s = {
      head: sqlite.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: sqlite.prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`),
    };
    statementCache.set(sqlite, s);
  }
  return s;
}

/**
 * Append entries. Must be called inside store.tx(): it reads the head and inserts in the same
 * transaction, so concurrent writers (serve and a CLI verb) serialize on SQLite's write lock.
 */
export function appendAudit(store: Store, entries: readonly AuditInput[], now: number): AuditRow[] {
  if (entries.length === 0) return [];
  const sqlite = store.sqlite;
  if (!sqlite.inTransaction) throw new Error('appendAudit must run inside a store transaction');
  const st = statementsFor(sqlite);
  // Read inside the transaction (IMMEDIATE holds the write lock): never a cached head.
  const head = st.head.get();
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const rows: AuditRow[] = [];
  for (const e of entries) {
    seq += 1;
    const base = {
      seq,
      ts: now,
      actor: storable(e.actor),
      event: storable(e.event),
      entityType: storableOrNull(e.entityType),
      entityId: storableOrNull(e.entityId),
      detail: canonicalJson(e.detail ?? {}),
      source: storableOrNull(e.sourceAddress),
      outcome: e.outcome ?? 'success',
      prevHash,
    };
    const h = hashEntry(base);
    st.insert.run(
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
      h,
    );
    rows.push({ ...base, hash: h });
    prevHash = h;
  }
  return rows;
}

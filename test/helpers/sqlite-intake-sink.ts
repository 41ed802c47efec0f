// A small durable IntakeSink for HL7 channel tests and the HL7 bench: the real store (openStore:
// WAL, synchronous=FULL, migrations) and its inbound_messages table, with the same semantics the
// core's sink promises: accept() resolves only after the commit; calls made close together are
// group-committed in one transaction; the same sender + MSH-10 (or, without a control id, the same
// sender + content) is a duplicate and creates nothing. Simpler than the core on one point: the core
// (store/intake.ts) takes a different message under a reused MSH-10 as new; this helper does not.
import { createHash } from 'node:crypto';
import { openStore, type Store } from '../../appliance/store/open.js';
import type { InboundEnvelope, IntakeResult, IntakeSink } from '../../appliance/ports.js';

export interface SqliteIntakeSink extends IntakeSink {
  readonly store: Store;
  /** Transactions committed so far (to see group commit at work). */
  commits(): number;
  close(): void;
}

interface Pending {
  env: InboundEnvelope;
  resolve: (r: IntakeResult) => void;
  reject: (e: unknown) => void;
}

function statusOf(env: InboundEnvelope): IntakeResult['status'] {
  if (env.quarantine) return 'quarantined';
  if (env.ignore !== undefined) return 'ignored';
  return 'accepted';
}

export function openSqliteIntakeSink(path: string, clock: () => number = Date.now): SqliteIntakeSink {
  const store = openStore(path);
  const db = store.sqlite;
  const insert = db.prepare(
    `INSERT OR IGNORE INTO inbound_messages
       (channel, sender, control_id, content_hash, message_type, raw, received_at, status, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byControl = db.prepare('SELECT id FROM inbound_messages WHERE sender = ? AND control_id = ?');
  const byHash = db.prepare('SELECT id FROM inbound_messages WHERE sender = ? AND content_hash = ? LIMIT 1');
  let queue: Pending[] = [];
  let scheduled = false;
  let commits = 0;

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    let results: IntakeResult[];
    try {
      results = store.tx(() =>
        batch.map(({ env }): IntakeResult => {
          const hash = createHash('sha256').update(env.raw).digest('hex');
          if (env.controlId === undefined) {
            const dup = byHash.get(env.sender, hash) as { id: number } | undefined;
            if (dup) return { status: 'duplicate', inboundId: dup.id };
          }
          const status = statusOf(env);
          const reason = env.quarantine?.reason ?? env.ignore ?? null;
          const r = insert.run(
            env.channel,
            env.sender,
            env.controlId ?? null,
            hash,
            env.messageType ?? null,
            env.raw,
            clock(),
            status,
            reason,
          );
          if (r.changes === 0) {
            const dup = byControl.get(env.sender, env.controlId) as { id: number };
            return { status: 'duplicate', inboundId: dup.id };
          }
          return { status, inboundId: Number(r.lastInsertRowid) };
        }),
      );
      commits++;
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  };

  return {
    store,
    commits: () => commits,
    accept(env) {
      return new Promise((resolve, reject) => {
        queue.push({ env, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    close() {
      if (queue.length) flush();
      store.close();
    },
  };
}

/** An in-memory sink for unit tests: same dedupe rule, no durability. */
export function memorySink(): IntakeSink & { envelopes: InboundEnvelope[]; fail?: Error } {
  const seen = new Map<string, number>();
  const envelopes: InboundEnvelope[] = [];
  const sink = {
    envelopes,
    fail: undefined as Error | undefined,
    accept(env: InboundEnvelope): Promise<IntakeResult> {
      if (sink.fail) return Promise.reject(sink.fail);
      const key = `${env.sender}\u0000${env.controlId ?? createHash('sha256').update(env.raw).digest('hex')}`;
      const known = seen.get(key);
      if (known !== undefined) return Promise.resolve({ status: 'duplicate', inboundId: known });
      envelopes.push(env);
      seen.set(key, envelopes.length);
      return Promise.resolve({ status: statusOf(env), inboundId: envelopes.length });
    },
  };
  return sink;
}

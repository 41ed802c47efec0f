// Intake's durable side: raw bytes first, then meaning, in one transaction with the audit entry.
// Exactly once: the same sender + MSH-10, or the same content, is a duplicate that creates nothing;
// the same visit with new content becomes a new encounter version.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { InboundEnvelope, IntakeResult } from '../ports.js';
import type { AuditInput } from '../domain/audit.js';
import { mrnLast4 } from '../domain/audit.js';
import type { EncounterInput } from '../domain/types.js';
import { appendAudit } from '../audit/log.js';
import type { Store } from './open.js';
import { inboundMessages } from './schema.js';

/** Far future: an encounter waiting for its MDM "final" signal is not picked by coding. */
export const NOT_YET = 8_640_000_000_000_000;

/** Segment ends normalized, so the same message re-sent with other line endings is the same content. */
function normalized(raw: Buffer): string {
  return raw
    .toString('latin1')
    .replace(/\r\n|\n/g, '\r')
    .trimEnd();
}

export function contentHash(raw: Buffer): string {
  return createHash('sha256').update(normalized(raw), 'latin1').digest('hex');
}

/**
 * Whether two messages with the same sender and control id are the same message: the same content
 * apart from the MSH segment, whose MSH-7 an interface engine may stamp anew on a resend. A JSON
 * body (no MSH) is compared whole.
 */
function sameMessage(a: Buffer, b: Buffer): boolean {
  const body = (raw: Buffer) => {
    const text = normalized(raw);
    return text.startsWith('MSH') ? text.slice(text.indexOf('\r') + 1) : text;
  };
  return body(a) === body(b);
}

const REUSED_CONTROL_ID =
  'the sender reused this control id (MSH-10) for a different message: taken as a new message';

const SENT_STATUSES = new Set(['submitted', 'accepted', 'rejected', 'paid', 'partially_paid', 'denied']);

function actorFor(env: InboundEnvelope): string {
  return `service:intake.${env.channel}`;
}

/** Store one envelope inside the caller's transaction; returns the result and audit entries. */
function storeOne(store: Store, env: InboundEnvelope, now: number, audit: AuditInput[]): IntakeResult {
  const hash = contentHash(env.raw);
  let controlId = env.quarantine ? null : (env.controlId ?? null);
  let reusedControlId = false;
  if (env.controlId) {
    const dup = store
      .stmt('SELECT id, encounter_id, content_hash FROM inbound_messages WHERE sender = ? AND control_id = ?')
      .get(env.sender, env.controlId) as
      { id: number; encounter_id: number | null; content_hash: string } | undefined;
    // Control ids are meant to be unique per sender (HL7 v2.5 2.14.9.10), but counters restart
    // after an engine reinstall: a different message under a used id is taken, never dropped.
    // Its row keeps no control id (the dedupe key stays the first message's); its exact resends
    // are still caught by content, and a resend that differs only in MSH by the encounter's
    // version check. Raw bytes pruned past retention cannot be compared: taken as new, the same.
    if (dup) {
      const dupRaw = () =>
        (store.stmt('SELECT raw FROM inbound_messages WHERE id = ?').get(dup.id) as { raw: Buffer }).raw;
      if (dup.content_hash === hash || sameMessage(dupRaw(), env.raw))
        return { status: 'duplicate', inboundId: dup.id, encounterId: dup.encounter_id ?? undefined };
      controlId = null;
      reusedControlId = true;
    }
  }
  const same = store
    .stmt(
      "SELECT id, encounter_id FROM inbound_messages WHERE content_hash = ? AND status != 'quarantined' LIMIT 1",
    )
    .get(hash) as { id: number; encounter_id: number | null } | undefined;
  if (same) return { status: 'duplicate', inboundId: same.id, encounterId: same.encounter_id ?? undefined };

  const status = env.quarantine ? 'quarantined' : env.ignore ? 'ignored' : 'accepted';
  const reason = env.quarantine ? `${env.quarantine.code}: ${env.quarantine.reason}` : (env.ignore ?? null);
  const inboundId = Number(
    store
      .stmt(
        'INSERT INTO inbound_messages (channel, sender, control_id, content_hash, message_type, raw, received_at, status, reason) VALUES (?,?,?,?,?,?,?,?,?)',
      )
      // A quarantined message keeps no control id, so a corrected resend with the same MSH-10 is taken.
      .run(env.channel, env.sender, controlId, hash, env.messageType ?? null, env.raw, now, status, reason)
      .lastInsertRowid,
  );

  if (env.quarantine) {
    audit.push({
      event: 'ENCOUNTER_QUARANTINED',
      actor: actorFor(env),
      entityType: 'inbound',
      entityId: String(inboundId),
      outcome: 'failure',
      detail: { channel: env.channel, code: env.quarantine.code, messageType: env.messageType ?? null },
    });
    return { status: 'quarantined', inboundId, reason: env.quarantine.reason };
  }
  if (env.ignore) return { status: 'ignored', inboundId, reason: env.ignore };

  if (env.finalizes) {
    const f = env.finalizes;
    const at = Date.parse(f.finalizedAt) || now;
    store
      .stmt(
        'INSERT INTO finalizations (source_system, visit_number, finalized_at, inbound_id) VALUES (?,?,?,?) ON CONFLICT DO NOTHING',
      )
      .run(f.sourceSystem, f.visitNumber, at, inboundId);
    const waiting = latestVersion(store, f.sourceSystem, f.visitNumber);
    if (waiting && waiting.finalized_at === 0)
      store
        .stmt('UPDATE encounters SET finalized_at = ?, next_attempt_at = 0, updated_at = ? WHERE id = ?')
        .run(at, now, waiting.id);
    audit.push({
      event: 'ENCOUNTER_RECEIVED',
      actor: actorFor(env),
      entityType: 'encounter',
      entityId: waiting ? String(waiting.id) : undefined,
      detail: {
        channel: env.channel,
        messageType: env.messageType ?? null,
        signal: 'finalized',
        ...(reusedControlId ? { controlIdReused: true } : {}),
      },
    });
    return {
      status: 'accepted',
      inboundId,
      encounterId: waiting?.id,
      ...(reusedControlId ? { reason: REUSED_CONTROL_ID } : {}),
    };
  }

  const enc = env.encounter;
  if (!enc) throw new Error('envelope has neither encounter, finalizes, quarantine nor ignore');
  const result = storeEncounter(store, enc, inboundId, env.awaitingFinal ?? false, now);
  store.stmt('UPDATE inbound_messages SET encounter_id = ? WHERE id = ?').run(result.encounterId, inboundId);
  if (result.duplicate) return { status: 'duplicate', inboundId, encounterId: result.encounterId };
  audit.push({
    event: 'ENCOUNTER_RECEIVED',
    actor: actorFor(env),
    entityType: 'encounter',
    entityId: String(result.encounterId),
    detail: {
      channel: env.channel,
      messageType: env.messageType ?? null,
      version: result.version,
      mrnLast4: mrnLast4(enc.patient.mrn),
      correctionNeeded: result.correctionNeeded,
      ...(reusedControlId ? { controlIdReused: true } : {}),
    },
  });
  return {
    status: 'accepted',
    inboundId,
    encounterId: result.encounterId,
    ...(reusedControlId ? { reason: REUSED_CONTROL_ID } : {}),
  };
}

function latestVersion(store: Store, system: string, visit: string) {
  return store
    .stmt(
      'SELECT id, version, input, status, finalized_at FROM encounters WHERE source_system = ? AND visit_number = ? ORDER BY version DESC LIMIT 1',
    )
    .get(system, visit) as
    { id: number; version: number; input: string; status: string; finalized_at: number } | undefined;
}

function storeEncounter(
  store: Store,
  enc: EncounterInput,
  inboundId: number,
  awaitingFinal: boolean,
  now: number,
): { encounterId: number; version: number; duplicate: boolean; correctionNeeded: boolean } {
  const input = JSON.stringify(enc);
  const prior = latestVersion(store, enc.source.system, enc.source.visitNumber);
  if (prior && prior.input === input) {
    return { encounterId: prior.id, version: prior.version, duplicate: true, correctionNeeded: false };
  }
  const patient = store
    .stmt(
      'INSERT INTO patients (mrn, data, created_at, updated_at) VALUES (?,?,?,?) ON CONFLICT (mrn) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at RETURNING id',
    )
    .get(enc.patient.mrn, JSON.stringify(enc.patient), now, now) as { id: number };

  let correctionNeeded = false;
  if (prior) {
    const priorClaims = store.stmt('SELECT id, status FROM claims WHERE encounter_id = ?').all(prior.id) as {
      id: number;
      status: string;
    }[];
    correctionNeeded = priorClaims.some((c) => SENT_STATUSES.has(c.status));
    // Claims of the old version that never left are void: the new version supersedes them.
    for (const c of priorClaims) {
      if (c.status === 'draft' || c.status === 'ready')
        store
          .stmt("UPDATE claims SET status = 'void', closed_at = ?, updated_at = ? WHERE id = ?")
          .run(now, now, c.id);
    }
  }

  let finalizedAt = Date.parse(enc.finalizedAt) || now;
  let nextAttemptAt = 0;
  if (awaitingFinal) {
    const fin = store
      .stmt('SELECT finalized_at FROM finalizations WHERE source_system = ? AND visit_number = ?')
      .get(enc.source.system, enc.source.visitNumber) as { finalized_at: number } | undefined;
    if (fin) finalizedAt = fin.finalized_at;
    else {
      finalizedAt = 0;
      nextAttemptAt = NOT_YET;
    }
  }
  const version = (prior?.version ?? 0) + 1;
  const encounterId = Number(
    store
      .stmt(
        `INSERT INTO encounters (source_system, visit_number, version, kind, patient_id, inbound_id, date_of_service,
           status, input, correction_needed, finalized_at, received_at, updated_at, next_attempt_at)
         VALUES (?,?,?,?,?,?,?,'received',?,?,?,?,?,?)`,
      )
      .run(
        enc.source.system,
        enc.source.visitNumber,
        version,
        enc.kind,
        patient.id,
        inboundId,
        enc.dateOfService,
        input,
        correctionNeeded ? 1 : 0,
        finalizedAt,
        now,
        now,
        nextAttemptAt,
      ).lastInsertRowid,
  );
  if (prior)
    store
      .stmt('UPDATE encounters SET superseded_by = ?, updated_at = ? WHERE id = ?')
      .run(encounterId, now, prior.id);
  // The diagnoses and coverages rows (projections of `input`) are written by the coding stage, in
  // its batch: they touch four more B-trees, and this commit is the one an MLLP ACK waits for.
  return { encounterId, version, duplicate: false, correctionNeeded };
}

/**
 * Commit many envelopes in one transaction (group commit). Each envelope runs in its own savepoint,
 * so one bad item fails alone; a failure of the whole transaction (disk full) fails them all.
 */
export function commitInbound(
  store: Store,
  envelopes: readonly InboundEnvelope[],
  now: number,
): (IntakeResult | Error)[] {
  return store.tx(() => {
    const audit: AuditInput[] = [];
    const results: (IntakeResult | Error)[] = [];
    for (const env of envelopes) {
      const mark = audit.length;
      try {
        results.push(store.sqlite.transaction(() => storeOne(store, env, now, audit))());
      } catch (err) {
        audit.length = mark;
        results.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    appendAudit(store, audit, now);
    return results;
  });
}

const PRUNE_CURSOR = 'intake.raw_pruned_through';

/**
 * Raw bytes older than the retention are dropped; the row (dedupe key, status) stays. Walks by id
 * from where the last prune stopped, up to the first row still inside the retention: ids grow with
 * received_at, so this needs no index on received_at (one less page in every intake commit). A
 * clock stepped back only delays the rows behind a younger one until that one ages too.
 */
export function pruneRawMessages(store: Store, olderThan: number, now: number): number {
  return store.tx(() => {
    const db = store.sqlite;
    const from = Number(
      db.prepare('SELECT value FROM cursors WHERE name = ?').pluck().get(PRUNE_CURSOR) ?? 0,
    );
    const young = db
      .prepare('SELECT id FROM inbound_messages WHERE id > ? AND received_at >= ? ORDER BY id LIMIT 1')
      .pluck()
      .get(from, olderThan) as number | undefined;
    const through =
      young !== undefined
        ? young - 1
        : ((db.prepare('SELECT max(id) FROM inbound_messages').pluck().get() as number | null) ?? 0);
    if (through <= from) return 0;
    const n = db
      .prepare("UPDATE inbound_messages SET raw = x'' WHERE id > ? AND id <= ? AND length(raw) > 0")
      .run(from, through).changes;
    db.prepare(
      'INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    ).run(PRUNE_CURSOR, String(through), now);
    return n;
  });
}

export function inboundRaw(store: Store, id: number): { raw: Buffer; channel: string } | undefined {
  return store.db
    .select({ raw: inboundMessages.raw, channel: inboundMessages.channel })
    .from(inboundMessages)
    .where(eq(inboundMessages.id, id))
    .get();
}

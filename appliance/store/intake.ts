// Intake's durable side: raw bytes first, then meaning, in one transaction with the audit entry.
// Exactly once: the same sender + MSH-10, or the same content, is a duplicate that creates nothing;
// the same visit with new content becomes a new encounter version.
import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { InboundEnvelope, IntakeResult } from '../ports.js';
import type { AuditInput } from '../domain/audit.js';
import { mrnLast4 } from '../domain/audit.js';
import type { EncounterInput } from '../domain/types.js';
import { appendAudit } from '../audit/log.js';
import type { Store, Db } from './open.js';
import {
  inboundMessages,
  patients,
  encounters,
  diagnoses,
  coverages,
  finalizations,
  claims,
} from './schema.js';

/** Far future: an encounter waiting for its MDM "final" signal is not picked by coding. */
export const NOT_YET = 8_640_000_000_000_000;

export function contentHash(raw: Buffer): string {
  // Segment ends are normalized so the same message re-sent with other line endings is the same content.
  const text = raw
    .toString('latin1')
    .replace(/\r\n|\n/g, '\r')
    .trimEnd();
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

const SENT_STATUSES = new Set(['submitted', 'accepted', 'rejected', 'paid', 'partially_paid', 'denied']);

function actorFor(env: InboundEnvelope): string {
  return `service:intake.${env.channel}`;
}

/** Store one envelope inside the caller's transaction; returns the result and audit entries. */
function storeOne(db: Db, env: InboundEnvelope, now: number, audit: AuditInput[]): IntakeResult {
  const hash = contentHash(env.raw);
  if (env.controlId) {
    const dup = db
      .select({ id: inboundMessages.id, encounterId: inboundMessages.encounterId })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.sender, env.sender), eq(inboundMessages.controlId, env.controlId)))
      .get();
    if (dup) return { status: 'duplicate', inboundId: dup.id, encounterId: dup.encounterId ?? undefined };
  }
  const same = db
    .select({
      id: inboundMessages.id,
      encounterId: inboundMessages.encounterId,
      status: inboundMessages.status,
    })
    .from(inboundMessages)
    .where(eq(inboundMessages.contentHash, hash))
    .get();
  if (same && same.status !== 'quarantined') {
    return { status: 'duplicate', inboundId: same.id, encounterId: same.encounterId ?? undefined };
  }

  const status = env.quarantine ? 'quarantined' : env.ignore ? 'ignored' : 'accepted';
  const reason = env.quarantine ? `${env.quarantine.code}: ${env.quarantine.reason}` : (env.ignore ?? null);
  const inbound = db
    .insert(inboundMessages)
    .values({
      channel: env.channel,
      sender: env.sender,
      // A quarantined message keeps no control id, so a corrected resend with the same MSH-10 is taken.
      controlId: env.quarantine ? null : (env.controlId ?? null),
      contentHash: hash,
      messageType: env.messageType ?? null,
      raw: env.raw,
      receivedAt: now,
      status,
      reason,
    })
    .returning({ id: inboundMessages.id })
    .get();

  if (env.quarantine) {
    audit.push({
      event: 'ENCOUNTER_QUARANTINED',
      actor: actorFor(env),
      entityType: 'inbound',
      entityId: String(inbound.id),
      outcome: 'failure',
      detail: { channel: env.channel, code: env.quarantine.code, messageType: env.messageType ?? null },
    });
    return { status: 'quarantined', inboundId: inbound.id, reason: env.quarantine.reason };
  }
  if (env.ignore) return { status: 'ignored', inboundId: inbound.id, reason: env.ignore };

  if (env.finalizes) {
    const f = env.finalizes;
    const at = Date.parse(f.finalizedAt) || now;
    db.insert(finalizations)
      .values({
        sourceSystem: f.sourceSystem,
        visitNumber: f.visitNumber,
        finalizedAt: at,
        inboundId: inbound.id,
      })
      .onConflictDoNothing()
      .run();
    const waiting = latestVersion(db, f.sourceSystem, f.visitNumber);
    if (waiting && waiting.finalizedAt === 0) {
      db.update(encounters)
        .set({ finalizedAt: at, nextAttemptAt: 0, updatedAt: now })
        .where(eq(encounters.id, waiting.id))
        .run();
    }
    audit.push({
      event: 'ENCOUNTER_RECEIVED',
      actor: actorFor(env),
      entityType: 'encounter',
      entityId: waiting ? String(waiting.id) : undefined,
      detail: { channel: env.channel, messageType: env.messageType ?? null, signal: 'finalized' },
    });
    return { status: 'accepted', inboundId: inbound.id, encounterId: waiting?.id };
  }

  const enc = env.encounter;
  if (!enc) throw new Error('envelope has neither encounter, finalizes, quarantine nor ignore');
  const result = storeEncounter(db, enc, inbound.id, env.awaitingFinal ?? false, now);
  db.update(inboundMessages)
    .set({ encounterId: result.encounterId })
    .where(eq(inboundMessages.id, inbound.id))
    .run();
  if (result.duplicate)
    return { status: 'duplicate', inboundId: inbound.id, encounterId: result.encounterId };
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
    },
  });
  return { status: 'accepted', inboundId: inbound.id, encounterId: result.encounterId };
}

function latestVersion(db: Db, system: string, visit: string) {
  return db
    .select({
      id: encounters.id,
      version: encounters.version,
      input: encounters.input,
      status: encounters.status,
      finalizedAt: encounters.finalizedAt,
    })
    .from(encounters)
    .where(and(eq(encounters.sourceSystem, system), eq(encounters.visitNumber, visit)))
    .orderBy(desc(encounters.version))
    .limit(1)
    .get();
}

function storeEncounter(
  db: Db,
  enc: EncounterInput,
  inboundId: number,
  awaitingFinal: boolean,
  now: number,
): { encounterId: number; version: number; duplicate: boolean; correctionNeeded: boolean } {
  const prior = latestVersion(db, enc.source.system, enc.source.visitNumber);
  if (prior && JSON.stringify(prior.input) === JSON.stringify(enc)) {
    return { encounterId: prior.id, version: prior.version, duplicate: true, correctionNeeded: false };
  }
  const patient = db
    .insert(patients)
    .values({ mrn: enc.patient.mrn, data: enc.patient, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: patients.mrn, set: { data: enc.patient, updatedAt: now } })
    .returning({ id: patients.id })
    .get();

  let correctionNeeded = false;
  if (prior) {
    const priorClaims = db
      .select({ id: claims.id, status: claims.status })
      .from(claims)
      .where(eq(claims.encounterId, prior.id))
      .all();
    correctionNeeded = priorClaims.some((c) => SENT_STATUSES.has(c.status));
    // Claims of the old version that never left are void: the new version supersedes them.
    for (const c of priorClaims) {
      if (c.status === 'draft' || c.status === 'ready')
        db.update(claims)
          .set({ status: 'void', closedAt: now, updatedAt: now })
          .where(eq(claims.id, c.id))
          .run();
    }
  }

  let finalizedAt = Date.parse(enc.finalizedAt) || now;
  let nextAttemptAt = 0;
  if (awaitingFinal) {
    const fin = db
      .select({ at: finalizations.finalizedAt })
      .from(finalizations)
      .where(
        and(
          eq(finalizations.sourceSystem, enc.source.system),
          eq(finalizations.visitNumber, enc.source.visitNumber),
        ),
      )
      .get();
    if (fin) finalizedAt = fin.at;
    else {
      finalizedAt = 0;
      nextAttemptAt = NOT_YET;
    }
  }
  const version = (prior?.version ?? 0) + 1;
  const row = db
    .insert(encounters)
    .values({
      sourceSystem: enc.source.system,
      visitNumber: enc.source.visitNumber,
      version,
      kind: enc.kind,
      patientId: patient.id,
      inboundId,
      dateOfService: enc.dateOfService,
      status: 'received',
      input: enc,
      correctionNeeded,
      finalizedAt,
      receivedAt: now,
      updatedAt: now,
      nextAttemptAt,
    })
    .returning({ id: encounters.id })
    .get();
  if (prior)
    db.update(encounters)
      .set({ supersededBy: row.id, updatedAt: now })
      .where(eq(encounters.id, prior.id))
      .run();
  for (const d of enc.diagnoses) {
    db.insert(diagnoses)
      .values({ encounterId: row.id, seq: d.seq, code: d.code })
      .onConflictDoNothing()
      .run();
  }
  for (const c of enc.coverages) {
    db.insert(coverages)
      .values({
        patientId: patient.id,
        encounterId: row.id,
        ord: c.order,
        payerId: c.payerId,
        memberId: c.memberId,
        data: c,
      })
      .run();
  }
  return { encounterId: row.id, version, duplicate: false, correctionNeeded };
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
  return store.tx((db) => {
    const audit: AuditInput[] = [];
    const results: (IntakeResult | Error)[] = [];
    for (const env of envelopes) {
      const mark = audit.length;
      try {
        results.push(store.sqlite.transaction(() => storeOne(db, env, now, audit))());
      } catch (err) {
        audit.length = mark;
        results.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    appendAudit(store, audit, now);
    return results;
  });
}

/** Raw bytes older than the retention are dropped; the row (dedupe key, status) stays. */
export function pruneRawMessages(store: Store, olderThan: number): number {
  return store.sqlite
    .prepare("UPDATE inbound_messages SET raw = x'' WHERE received_at < ? AND length(raw) > 0")
    .run(olderThan).changes;
}

export function inboundRaw(store: Store, id: number): { raw: Buffer; channel: string } | undefined {
  return store.db
    .select({ raw: inboundMessages.raw, channel: inboundMessages.channel })
    .from(inboundMessages)
    .where(eq(inboundMessages.id, id))
    .get();
}

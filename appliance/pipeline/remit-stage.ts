// Stage 6, remit: fetch what the clearinghouse made available (TA1, 999, 277CA, 835), store it
// durably, only then confirm it remotely (cursor advance / remote delete), and apply it: TA1 and 999
// to batches, 277CA to claims, 835 reconciled to the cent and proposed for posting (auto-posted if
// configured). A file may hold many transaction sets, of more than one kind too: each 999 set answers
// its own group, each 835 set is its own payment, each kind is read by its own reader, and all of one
// file are applied in one transaction.
import type { ClearinghouseTransport, RemoteDocument } from '../ports.js';
import {
  proposePostings,
  statusFrom277CA,
  statusFrom999,
  statusFromTA1,
  widerRejectionsFrom277CA,
  type Ack277CAIn,
  type Ack999In,
  type Ack999Status,
  type BilledClaim,
  type ClaimAckStatus,
  type InterchangeAckIn,
  type InterchangeAckStatus,
  type PostingPlan,
  type RemitDocumentIn,
  type WiderRejection,
} from './remit.js';
import { failureOf, type Stage, type StageContext } from './stage.js';

export interface StoredResponse {
  id: number;
  kind: string;
  content: string;
}

/** The remittance side of the store (implemented in appliance/store/remit.ts). */
export interface RemitStore {
  /** Durably store a fetched document; false when it was already stored (then confirm it again). */
  saveResponse(transport: string, doc: RemoteDocument, now: number): boolean;
  newResponses(limit: number): StoredResponse[];
  failResponse(id: number, message: string, now: number): void;
  /**
   * Each 999 transaction set of one file, each applied to the batch its AK102 names; and the TA1s
   * the same file carries, if any, applied first (as applyTA1 does).
   */
  apply999(
    responseId: number,
    statuses: Ack999Status[],
    now: number,
    interchanges?: InterchangeAckStatus[],
  ): void;
  /** Claim statuses, then rejections above claim level (2200B file, 2200C provider). */
  apply277(responseId: number, statuses: ClaimAckStatus[], now: number, wider?: WiderRejection[]): void;
  /** TA1s, each applied to the batch whose ISA13 it names. */
  applyTA1(responseId: number, acks: InterchangeAckStatus[], now: number): void;
  lookupClaim(pcn: string): BilledClaim | undefined;
  /**
   * Record one plan per 835 transaction set (each its own payment): held when it does not reconcile,
   * else proposed (and posted if autoPost). Returns the remittance ids.
   */
  save835(responseId: number, plans: PostingPlan[], autoPost: boolean, now: number): number[];
  /** A person approved a proposed remittance: post it. */
  approve(remittanceId: number, actor: string, now: number): { posted: boolean; reason?: string };
  /** Batches sent and still waiting for a 999, or claims waiting for a 277CA. */
  awaitingAcks(): number;
  /**
   * Run `fn` (apply calls for one file) in one transaction: all of it is applied, or none of it when it
   * throws. The apply calls inside it nest.
   */
  together(fn: () => void): void;
}

type Read<T> = {
  value: T | undefined;
  diagnostics: { code?: string; severity: string; message: string }[];
};

/** The X12 readers (integrations/x12), injected: the core never imports integrations. */
export interface X12Readers {
  kindOf(content: string): '999' | '277CA' | '835' | 'TA1' | 'other';
  /** Every kind of transaction set in the file, each once, first seen first ([] when not X12). */
  kindsOf(content: string): ('999' | '277CA' | '835' | 'TA1' | 'other')[];
  /** One value per transaction set (per TA1 for readTA1). */
  read999(content: string): Read<Ack999In[]>;
  read277CA(content: string): Read<Ack277CAIn[]>;
  read835(content: string): Read<RemitDocumentIn[]>;
  readTA1(content: string): Read<InterchangeAckIn[]>;
}

export interface RemitDeps {
  transport: ClearinghouseTransport;
  remit: RemitStore;
  readers: X12Readers;
  autoPost: boolean;
  /** How often to poll when nothing is outstanding; while acknowledgments are due it polls every pass. */
  pollMs: number;
  /** Minimum gap between polls while acknowledgments are outstanding. */
  busyPollMs: number;
}

/**
 * The first error of a read, if any. In a file of several kinds each reader reports the other kinds'
 * sets as not read (X12_OTHER_SET): their own readers read them, so that is no error then.
 */
function firstError<T>(r: Read<T>, mixed = false): string | undefined {
  if (r.value === undefined) return r.diagnostics[0]?.message ?? 'unreadable';
  return r.diagnostics.find((d) => d.severity === 'error' && !(mixed && d.code === 'X12_OTHER_SET'))?.message;
}

/** The value of a read, or an error naming what could not be read and why. */
function readOrThrow<T>(label: string, doc: Read<T>, mixed: boolean): T {
  const err = firstError(doc, mixed);
  if (err || !doc.value) throw new Error(`${label} unreadable: ${err}`);
  return doc.value;
}

export function remitStage(ctx: StageContext, deps: RemitDeps): Stage {
  let lastPoll = -Infinity;

  async function fetchNew(now: number): Promise<number> {
    const busy = deps.remit.awaitingAcks() > 0;
    if (now - lastPoll < (busy ? deps.busyPollMs : deps.pollMs)) return 0;
    lastPoll = now;
    const docs = await deps.transport.fetch();
    for (const doc of docs) {
      deps.remit.saveResponse(deps.transport.name, doc, now);
      // Stored (synchronous=FULL) before the clearinghouse is told we have it.
      await deps.transport.confirm(doc);
    }
    return docs.length;
  }

  /** Apply one kind of transaction set of a stored file; throws when it cannot be read. */
  function applyKind(kind: string, r: StoredResponse, now: number, mixed: boolean) {
    const c = r.content;
    if (kind === '999') {
      const acks = readOrThrow('999', deps.readers.read999(c), mixed);
      // A TA1 may precede the 999's group in its interchange; rejecting ones must not be lost.
      const ta1 = c.includes('TA1') ? (deps.readers.readTA1(c).value ?? []) : [];
      deps.remit.apply999(r.id, acks.map(statusFrom999), now, ta1.map(statusFromTA1));
    } else if (kind === '277CA') {
      const acks = readOrThrow('277CA', deps.readers.read277CA(c), mixed);
      deps.remit.apply277(r.id, acks.flatMap(statusFrom277CA), now, acks.flatMap(widerRejectionsFrom277CA));
    } else if (kind === '835') {
      const docs = readOrThrow('835', deps.readers.read835(c), mixed);
      // Each transaction set is one check/EFT: posted under its own trace, reconciled on its own.
      const plans = docs.map((d) => proposePostings(d, (pcn) => deps.remit.lookupClaim(pcn)));
      deps.remit.save835(r.id, plans, deps.autoPost, now);
    } else if (kind === 'TA1') {
      const acks = readOrThrow('TA1', deps.readers.readTA1(c), mixed);
      deps.remit.applyTA1(r.id, acks.map(statusFromTA1), now);
    } else throw new Error('not a TA1, 999, 277CA or 835');
  }

  function apply(now: number): number {
    const rows = deps.remit.newResponses(ctx.batchSize);
    for (const r of rows) {
      try {
        // A file may hold sets of more than one kind (a 999 group and a 277CA group, or two
        // interchanges): each kind is read by its reader, and the file is applied whole or not at all.
        const kinds = deps.readers.kindsOf(r.content);
        if (kinds.length > 1) {
          if (kinds.includes('other'))
            throw new Error('holds a transaction set that is not a 999, 277CA or 835');
          deps.remit.together(() => {
            for (const kind of kinds) applyKind(kind, r, now, true);
          });
        } else applyKind(r.kind === 'other' ? deps.readers.kindOf(r.content) : r.kind, r, now, false);
      } catch (err) {
        const f = failureOf(r.id, err);
        ctx.logger.warn({ responseId: r.id, code: f.code }, 'clearinghouse response could not be applied');
        deps.remit.failResponse(r.id, f.message, now);
      }
    }
    return rows.length;
  }

  return {
    name: 'remit',
    async run(now: number): Promise<number> {
      const fetched = await fetchNew(now);
      return fetched + apply(now);
    },
  };
}

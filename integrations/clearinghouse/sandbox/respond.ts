// One 837 upload in, the X12 documents the clearinghouse sends back out (as text), pure. The REST
// sandbox app stores them for its endpoints; an SFTP-style sandbox writes them to an outbound folder.
import type { Diagnostic } from '../../../appliance/domain/types.js';
import type { EnvelopeOptions } from '../../x12/types.js';
import { adjudicate, type Adjudication } from './adjudicate.js';
import { defaultCodec, type SandboxCodec } from './codec.js';

export interface RespondContext {
  seed: number;
  fileId: string;
  now: Date;
  reversalRate?: number;
  /** Original-claim PCNs adjudicated before (a resent original is denied CO-18). */
  previouslySeen?: Iterable<string>;
  /** Next ISA13/GS06 for the answers; called once per document. */
  nextControl: () => number;
  codec?: SandboxCodec;
}

export interface SandboxDocument {
  kind: '999' | '277CA' | '835';
  /** e.g. '1001.999', '1001.277', '1001-60054-0.835'. */
  fileName: string;
  content: string;
  /** 0: at once (999, 277CA); 1: after the ERA delay; 2: after twice the delay (reversals). */
  delaySteps: number;
  /** For 999 and 277CA: did anything get accepted. For an 835: the BPR02 amount. */
  accepted?: boolean;
  paidCents?: number;
  payerId?: string;
  checkNumber?: string;
}

export type Response =
  | { error: string }
  | { adjudication: Adjudication; documents: SandboxDocument[]; claimPcns: string[]; originals: string[] };

export function respondToUpload(text: string, ctx: RespondContext): Response {
  const codec = ctx.codec ?? defaultCodec;
  const tk = codec.tokenize(text);
  if (!tk.separators || tk.segments.length === 0) return { error: 'not an X12 interchange (no ISA)' };
  const read = codec.read837(text);
  const validation = codec.validate?.(text);
  const diagnostics: Diagnostic[] = [...read.diagnostics, ...(validation?.errors ?? [])];
  const isa = tk.segments[0]!;
  const gs = tk.segments.find((s) => s.el[0] === 'GS');
  const claims = read.value?.claims ?? [];
  const adjudication = adjudicate(
    {
      segments: tk.segments,
      groupControlNumber: gs?.el[6] ?? '',
      groupVersion: gs?.el[8] ?? '',
      claims,
      diagnostics,
    },
    {
      seed: ctx.seed,
      fileId: ctx.fileId,
      now: ctx.now,
      reversalRate: ctx.reversalRate ?? 0,
      ...(ctx.previouslySeen ? { previouslySeen: ctx.previouslySeen } : {}),
    },
  );
  // Answers go back to whoever sent the file: ISA06 becomes our ISA08; ISA15 test flag is kept.
  const env = (): EnvelopeOptions => {
    const n = ctx.nextControl();
    return {
      senderId: 'SANDBOXCH',
      receiverId: (isa.el[6] ?? 'SUBMITTER').trim(),
      isaControl: n,
      gsControl: n,
      stStart: 1,
      testMode: (isa.el[15] ?? 'T') === 'T',
      now: ctx.now,
    };
  };
  const documents: SandboxDocument[] = [
    {
      kind: '999',
      fileName: `${ctx.fileId}.999`,
      content: codec.write999(adjudication.ack999, env()),
      delaySteps: 0,
      accepted: adjudication.ack999.accepted > 0,
    },
  ];
  if (adjudication.ack277)
    documents.push({
      kind: '277CA',
      fileName: `${ctx.fileId}.277`,
      content: codec.write277CA(adjudication.ack277, env()),
      delaySteps: 0,
      accepted: adjudication.ack277.claims.some((c) => c.accepted),
    });
  for (const r of adjudication.remits)
    documents.push({
      kind: '835',
      fileName: `${ctx.fileId}-${r.payerId}-${r.wave}.835`,
      content: codec.write835(r.remit, env()),
      delaySteps: r.wave + 1,
      paidCents: r.remit.payment.amountCents,
      payerId: r.payerId,
      checkNumber: r.remit.trace.number,
    });
  return {
    adjudication,
    documents,
    claimPcns: claims.map((c) => c.patientControlNumber),
    originals: claims.filter((c) => c.frequency === '1').map((c) => c.patientControlNumber),
  };
}

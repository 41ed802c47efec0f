// HL7 v2 acknowledgments (HL7 v2.5 §2.9 "Message processing rules"). Pure: header in, text out.
//
// Original mode (MSH-15 and MSH-16 both empty): AA after a durable store, AE with an ERR segment
// when the message parsed but cannot be used (it is still stored, in quarantine), AR when it cannot
// be parsed, is not a supported type, or was refused for reasons unrelated to its content (intake
// stopped, the store failed: §2.9.2.2 "system down, internal error", the sender resends).
// Enhanced mode (either field set): MSH-15 says whether a commit ACK (CA/CE/CR) is sent at all:
// AL always, NE never, ER only on error, SU only on success. Our commit is the durable store, so the
// commit ACK carries the same outcome; application ACKs (MSH-16) are not originated, because the
// pipeline works asynchronously after the commit and the encounter's status is visible in claimbox.

import { DEFAULT_DELIMITERS, escape, get, readDelimiters, type Delimiters, type Message } from './parse.js';
import type { Hl7ErrorCode } from './map.js';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** What an ACK echoes from the message it acknowledges (raw, still in the sender's encoding). */
export interface AckHeader {
  delimiters: Delimiters;
  sendingApp: string;
  sendingFacility: string;
  receivingApp: string;
  receivingFacility: string;
  /** MSH-10, echoed in MSA-2. */
  controlId: string;
  triggerEvent: string;
  processingId: string;
  version: string;
  /** MSH-15 accept acknowledgment type, MSH-16 application acknowledgment type. */
  acceptAckType: string;
  appAckType: string;
}

export interface AckError {
  /** HL7 table 0357. */
  hl7Code: Hl7ErrorCode;
  text: string;
  /** ERR-2 error location, e.g. { segment: 'PV1', field: 19 }. */
  segment?: string;
  field?: number;
  /** ERR-4 severity (table 0516): E error, W warning, F fatal. */
  severity?: 'E' | 'W' | 'I' | 'F';
}

const HL7_ERROR_TEXT: Record<Hl7ErrorCode, string> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '207': 'Application internal error',
};

export function headerOf(msg: Message): AckHeader {
  const msh = msg.segments[0];
  const raw = (n: number) => msh?.fields[n] ?? '';
  return {
    delimiters: msg.delimiters,
    sendingApp: raw(3),
    sendingFacility: raw(4),
    receivingApp: raw(5),
    receivingFacility: raw(6),
    controlId: msg.controlId,
    triggerEvent: msg.triggerEvent,
    processingId: get(msg, msh, 11),
    version: msg.version,
    acceptAckType: get(msg, msh, 15).toUpperCase(),
    appAckType: get(msg, msh, 16).toUpperCase(),
  };
}

/**
 * Best-effort header from bytes that did not parse (or were too big to parse), so that even an AR
 * echoes MSH-10 when the sender put one there. Looks only at the first line.
 */
export function scrapeHeader(head: Buffer | string): AckHeader {
  // A BOM or junk before MSH is skipped by looking for 'MSH' itself.
  const text = typeof head === 'string' ? head : head.subarray(0, 4096).toString('latin1');
  const at = text.indexOf('MSH');
  const line = at >= 0 ? (text.slice(at).split(/[\r\n]/)[0] ?? '') : '';
  const delims = line ? (readDelimiters(line).value ?? DEFAULT_DELIMITERS) : DEFAULT_DELIMITERS;
  const parts = line ? line.split(delims.field) : [];
  // parts[1] is MSH-2, so MSH-n is parts[n - 1].
  const f = (n: number) => parts[n - 1] ?? '';
  const comp = (v: string, c: number) => v.split(delims.component)[c - 1] ?? '';
  return {
    delimiters: delims,
    sendingApp: f(3),
    sendingFacility: f(4),
    receivingApp: f(5),
    receivingFacility: f(6),
    controlId: f(10).slice(0, 199),
    triggerEvent: comp(f(9), 2),
    processingId: comp(f(11), 1),
    version: comp(f(12), 1),
    acceptAckType: f(15).toUpperCase(),
    appAckType: f(16).toUpperCase(),
  };
}

/** yyyyMMddHHmmss.SSS in the box's local time (as Mirth stamps its ACKs). */
export function hl7Timestamp(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}` +
    `${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}.${p(at.getMilliseconds(), 3)}`
  );
}

export function isEnhancedMode(h: AckHeader): boolean {
  return h.acceptAckType !== '' || h.appAckType !== '';
}

/**
 * Whether to answer at all, and with which code, for an outcome in original-mode terms.
 * Original mode always answers. Enhanced mode follows MSH-15 (empty reads as AL).
 */
export function ackDecision(h: AckHeader, outcome: 'AA' | 'AE' | 'AR'): { send: boolean; code: AckCode } {
  if (!isEnhancedMode(h)) return { send: true, code: outcome };
  const code: AckCode = outcome === 'AA' ? 'CA' : outcome === 'AE' ? 'CE' : 'CR';
  const ok = outcome === 'AA';
  switch (h.acceptAckType) {
    case 'NE':
      return { send: false, code };
    case 'ER':
      return { send: !ok, code };
    case 'SU':
      return { send: ok, code };
    default:
      return { send: true, code };
  }
}

export interface AckInput {
  header: AckHeader;
  code: AckCode;
  /** MSA-3 text message. */
  text?: string;
  error?: AckError;
  now: Date;
  /** MSH-10 of the ACK itself. */
  controlId: string;
}

/** Build the ACK text (segments joined by \r, no MLLP framing). */
export function buildAck(a: AckInput): string {
  const h = a.header;
  const d = h.delimiters;
  const fs = d.field;
  const enc = d.component + d.repetition + d.escape + d.subcomponent + d.truncation;
  const version = h.version || '2.5.1';
  const clean = (s: string) => escapeText(s, d);
  const msh = [
    'MSH',
    enc,
    h.receivingApp || 'CLAIMBOX',
    h.receivingFacility,
    h.sendingApp,
    h.sendingFacility,
    hl7Timestamp(a.now),
    '',
    `ACK${h.triggerEvent ? d.component + h.triggerEvent + d.component + 'ACK' : ''}`,
    a.controlId,
    h.processingId || 'P',
    version,
  ].join(fs);
  const segs = [
    msh,
    ['MSA', a.code, h.controlId, clean(a.text ?? '')].join(fs).replace(new RegExp(`${reEsc(fs)}+$`), ''),
  ];
  if (a.error) {
    const e = a.error;
    const codeText = `${e.hl7Code}${d.component}${HL7_ERROR_TEXT[e.hl7Code]}${d.component}HL70357`;
    const loc = e.segment ? [e.segment, '1', e.field ? String(e.field) : ''].join(d.component) : '';
    if (/^2\.[34]/.test(version)) {
      // v2.3/2.4: ERR-1 error code and location (ELD: segment^sequence^field^code&text&system).
      const eld = [
        e.segment ?? '',
        e.segment ? '1' : '',
        e.field ? String(e.field) : '',
        codeText.split(d.component).join(d.subcomponent),
      ].join(d.component);
      segs.push(['ERR', eld].join(fs));
    } else {
      // v2.5+: ERR-2 location (ERL), ERR-3 HL7 error code (CWE), ERR-4 severity, ERR-8 user message.
      segs.push(['ERR', '', loc, codeText, e.severity ?? 'E', '', '', '', clean(e.text)].join(fs));
    }
  }
  return segs.join('\r');
}

function reEsc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeText(s: string, d: Delimiters): string {
  return escape(s.replace(/[\r\n]+/g, ' '), d).slice(0, 500);
}

/** Read an ACK back (tests, the MLLP client): MSA-1 code, MSA-2 control id, ERR text. */
export function readAck(text: string): { code: string; controlId: string; text: string; error: string } {
  const lines = text.split(/\r\n|\r|\n/);
  const msh = lines.find((l) => l.startsWith('MSH')) ?? '';
  const fs = msh[3] ?? '|';
  const msa = (lines.find((l) => l.startsWith('MSA')) ?? '').split(fs);
  const err = (lines.find((l) => l.startsWith('ERR')) ?? '').split(fs);
  return { code: msa[1] ?? '', controlId: msa[2] ?? '', text: msa[3] ?? '', error: err[8] ?? err[1] ?? '' };
}

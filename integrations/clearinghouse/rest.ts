// The Claim.MD-style REST transport (REFERENCE.md "Claim.MD"): every call is a POST to
// `<base>/<endpoint>`, form-encoded (multipart for files), AccountKey in every request, and
// `Accept: application/json`. Responses are polled with a ResponseID cursor and ERAs with an
// ERAID cursor; both cursors advance only when `confirm` says the document is stored durably.
import type {
  ClearinghouseTransport,
  Clock,
  CursorStore,
  RemoteDocument,
  RemoteKind,
  UploadResult,
} from '../../appliance/ports.js';
import { systemClock } from '../../appliance/ports.js';
import { ClaimboxError, ambiguous, permanent, transient } from '../../appliance/domain/errors.js';
import { sniffKind } from './kind.js';

export interface RestTransportOptions {
  /** e.g. 'https://svc.claim.md/services' or the sandbox's 'http://127.0.0.1:8091'. */
  baseUrl: string;
  accountKey: string;
  /** Where last_responseid and the ERA cursor persist across restarts. */
  cursors: CursorStore;
  /** Cursor names are `<prefix>.last_responseid` and `<prefix>.last_eraid`. Default: the transport name. */
  cursorPrefix?: string;
  /** Per request (headers and body). Default 60 s (config clearinghouse.request_timeout_seconds). */
  requestTimeoutMs?: number;
  /** How many 429s one call sits out before giving up with a transient error. Default 3. */
  maxRateLimitRetries?: number;
  /** A Retry-After longer than this is not waited out in-call; the caller reschedules. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  clock?: Clock;
  /** 'sandbox' when pointed at the sandbox clearinghouse. */
  name?: 'rest' | 'sandbox';
}

/** One entry of the `response` endpoint's reply (the fields claimbox reads). */
export interface ResponseEntry {
  responseid: string;
  fileid?: string;
  filename?: string;
  pcn?: string;
  claimid?: string;
  /** A accepted, R rejected (Claim.MD's per-claim status letters). */
  status?: string;
  messages?: unknown[];
  /** '999' | '277CA' when the entry carries an X12 acknowledgment. */
  edi_type?: string;
  edi?: string;
}

export interface EraListEntry {
  eraid: string;
  check_number?: string;
  paid_amount?: string;
  paid_date?: string;
  payer_name?: string;
  payerid?: string;
}

export interface UploadListEntry {
  fileid: string;
  filename: string;
  upload_date?: string;
  claimcount?: number;
}

/** A REST transport with the endpoint calls exposed for diagnostics and the sandbox tests. */
export interface RestTransport extends ClearinghouseTransport {
  uploadList(uploadDate: string, page: number): Promise<UploadListEntry[]>;
  eraList(eraIdCursor: string, page: number): Promise<EraListEntry[]>;
  era835(eraId: string): Promise<string>;
}

const RESPONSE_PREFIX = 'response:';
const ERA_PREFIX = 'era:';
/** Defensive page cap so a misbehaving server cannot keep one poll going forever. */
const MAX_PAGES = 1000;

type Form = Record<string, string | number | { blob: Blob; fileName: string }>;

/** Connection errors that prove the request never reached the server (safe to resend). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const d = BigInt(a) - BigInt(b);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function flattenMessages(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const m of list) {
    if (typeof m === 'string') out.push(m);
    else if (m && typeof m === 'object') {
      const o = m as Record<string, unknown>;
      const text = o.message ?? o.mesg ?? o.error_mesg;
      if (typeof text === 'string') out.push(typeof o.status === 'string' ? `${o.status}: ${text}` : text);
    }
  }
  return out;
}

/** A scalar JSON value as text; objects and arrays are not ids. */
function scalar(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function yyyyMmDd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Fetch's documents wait for `confirm`; the cursor moves to the highest id whose predecessors from
 * the same fetch are all confirmed, so a document that failed to store is offered again.
 */
class PendingCursor {
  private ids: string[] = [];
  private readonly confirmed = new Set<string>();

  reset(ids: string[]): void {
    this.ids = [...ids];
    this.confirmed.clear();
  }

  /** Returns the new cursor value if it moved. */
  confirm(id: string): string | undefined {
    if (!this.ids.includes(id)) return undefined;
    this.confirmed.add(id);
    let moved: string | undefined;
    while (this.ids.length > 0 && this.confirmed.has(this.ids[0]!)) {
      moved = this.ids.shift();
      this.confirmed.delete(moved!);
    }
    return moved;
  }
}

export function createRestTransport(opts: RestTransportOptions): RestTransport {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const name = opts.name ?? 'rest';
  const prefix = opts.cursorPrefix ?? name;
  const responseCursor = `${prefix}.last_responseid`;
  const eraCursor = `${prefix}.last_eraid`;
  const timeoutMs = opts.requestTimeoutMs ?? 60_000;
  const maxRetries = opts.maxRateLimitRetries ?? 3;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const clock = opts.clock ?? systemClock;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pendingResponses = new PendingCursor();
  const pendingEras = new PendingCursor();

  /**
   * One endpoint call. `isUpload` changes how a lost reply is classed: for upload a timeout or a
   * dropped connection after sending means the file may have landed (ambiguous); elsewhere it is
   * merely transient because reads are safe to repeat.
   */
  async function post(endpoint: string, form: Form, isUpload = false): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const body = new FormData();
      body.set('AccountKey', opts.accountKey);
      for (const [k, v] of Object.entries(form)) {
        if (typeof v === 'object') body.set(k, v.blob, v.fileName);
        else body.set(k, String(v));
      }
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${base}/${endpoint}`, {
          method: 'POST',
          headers: { Accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await res.text();
      } catch (err) {
        const code = causeCode(err);
        if (isUpload && !(code && NOT_SENT_CODES.has(code)))
          throw ambiguous(
            isTimeout(err) ? 'CH_UPLOAD_TIMEOUT' : 'CH_UPLOAD_NO_REPLY',
            `${endpoint}: no reply after sending (${isTimeout(err) ? `timeout ${timeoutMs} ms` : (code ?? 'connection lost')}); check uploadlist before resending`,
            err,
          );
        throw transient(
          isTimeout(err) ? 'CH_TIMEOUT' : 'CH_NETWORK',
          `${endpoint}: ${isTimeout(err) ? `timeout after ${timeoutMs} ms` : (code ?? (err instanceof Error ? err.message : String(err)))}`,
          err,
        );
      }

      if (res.status === 429) {
        const wait = parseRetryAfter(res.headers.get('retry-after'), clock.now()) ?? 1000;
        if (attempt < maxRetries && wait <= maxRetryAfterMs) {
          await sleep(wait);
          continue;
        }
        throw new ClaimboxError('CH_RATE_LIMITED', 'transient', `${endpoint}: rate limited (429)`, {
          retryAfterMs: wait,
        });
      }
      if (res.status === 401 || res.status === 403)
        throw permanent('CH_AUTH', `${endpoint}: account key refused (${res.status})`, {
          status: res.status,
        });
      if (res.status >= 500) {
        // A gateway timeout in front of the upload service means the file may be inside.
        if (isUpload && res.status === 504)
          throw ambiguous('CH_UPLOAD_GATEWAY_TIMEOUT', `${endpoint}: gateway timeout (504) after sending`);
        throw new ClaimboxError('CH_SERVER', 'transient', `${endpoint}: server error ${res.status}`, {
          status: res.status,
        });
      }
      if (res.status >= 400)
        throw permanent('CH_REQUEST_REFUSED', `${endpoint}: refused (${res.status}) ${text.slice(0, 200)}`, {
          status: res.status,
        });

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        if (isUpload) throw ambiguous('CH_UPLOAD_BAD_REPLY', `${endpoint}: reply is not JSON`);
        throw transient('CH_BAD_REPLY', `${endpoint}: reply is not JSON`);
      }
      if (!json || typeof json !== 'object' || Array.isArray(json))
        throw transient('CH_BAD_REPLY', `${endpoint}: reply is not a JSON object`);
      const obj = json as Record<string, unknown>;
      // Claim.MD reports API errors in the body: { error: { error_code, error_mesg } }.
      if (obj.error && typeof obj.error === 'object') {
        const e = obj.error as Record<string, unknown>;
        throw permanent(
          'CH_API_ERROR',
          `${endpoint}: ${scalar(e.error_mesg) ?? scalar(e.error_code) ?? 'error'}`,
          {
            errorCode: e.error_code,
          },
        );
      }
      return obj;
    }
  }

  async function uploadList(uploadDate: string, page: number): Promise<UploadListEntry[]> {
    const reply = await post('uploadlist', { Page: page, UploadDate: uploadDate });
    const list = Array.isArray(reply.upload) ? (reply.upload as UploadListEntry[]) : [];
    return list.filter((u) => typeof u?.filename === 'string');
  }

  async function eraList(eraIdCursor: string, page: number): Promise<EraListEntry[]> {
    // NewOnly=0 with our own ERAID cursor: NewOnly=1 would hide an ERA once listed, so a crash
    // between download and durable store would lose it. The cursor advances only on confirm.
    const reply = await post('eralist', { NewOnly: 0, ERAID: eraIdCursor, Page: page });
    const list = Array.isArray(reply.era) ? (reply.era as EraListEntry[]) : [];
    return list.filter((e) => e && (typeof e.eraid === 'string' || typeof e.eraid === 'number'));
  }

  async function era835(eraId: string): Promise<string> {
    const reply = await post('era835', { eraid: eraId });
    const data = reply.data ?? reply.edi ?? reply['835'];
    if (typeof data !== 'string' || data.length === 0)
      throw transient('CH_BAD_REPLY', `era835: no 835 data for eraid ${eraId}`);
    return data;
  }

  async function fetchResponses(): Promise<RemoteDocument[]> {
    const docs: RemoteDocument[] = [];
    let cursor = opts.cursors.get(responseCursor) ?? '0';
    // Claim.MD: send the saved ResponseID, keep the returned last_responseid, page until it is missing.
    for (let page = 0; page < MAX_PAGES; page++) {
      const reply = await post('response', { ResponseID: cursor });
      const entries = Array.isArray(reply.claim) ? (reply.claim as ResponseEntry[]) : [];
      for (const e of entries) {
        if (e?.responseid === undefined) continue;
        const id = String(e.responseid);
        const content = typeof e.edi === 'string' && e.edi.length > 0 ? e.edi : JSON.stringify(e);
        const kind: RemoteKind =
          e.edi_type === '999' || e.edi_type === '277CA' || e.edi_type === '835'
            ? e.edi_type
            : typeof e.edi === 'string'
              ? sniffKind(e.edi)
              : 'other';
        docs.push({
          remoteId: RESPONSE_PREFIX + id,
          kind,
          ...(e.filename ? { fileName: e.filename } : {}),
          content,
        });
      }
      const last = scalar(reply.last_responseid);
      if (last === undefined || last === '' || last === cursor) break;
      cursor = last;
    }
    docs.sort((a, b) =>
      compareIds(a.remoteId.slice(RESPONSE_PREFIX.length), b.remoteId.slice(RESPONSE_PREFIX.length)),
    );
    pendingResponses.reset(docs.map((d) => d.remoteId.slice(RESPONSE_PREFIX.length)));
    return docs;
  }

  async function fetchEras(): Promise<RemoteDocument[]> {
    const cursor = opts.cursors.get(eraCursor) ?? '0';
    const listed: EraListEntry[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const list = await eraList(cursor, page);
      if (list.length === 0) break;
      listed.push(...list);
    }
    const ids = [...new Set(listed.map((e) => String(e.eraid)))]
      .filter((id) => compareIds(id, cursor) > 0)
      .sort(compareIds);
    const docs: RemoteDocument[] = [];
    for (const id of ids) {
      const content = await era835(id);
      docs.push({ remoteId: ERA_PREFIX + id, kind: '835', fileName: `era-${id}.835`, content });
    }
    pendingEras.reset(ids);
    return docs;
  }

  return {
    name,
    uploadList,
    eraList,
    era835,

    async upload(file): Promise<UploadResult> {
      const reply = await post(
        'upload',
        {
          File: { blob: new Blob([file.content], { type: 'text/plain' }), fileName: file.fileName },
          Filename: file.fileName,
        },
        true,
      );
      const messages = flattenMessages(reply.messages);
      if (Array.isArray(reply.claim))
        for (const c of reply.claim as Record<string, unknown>[])
          messages.push(...flattenMessages(c?.messages));
      const fileId = scalar(reply.fileid) ?? scalar(reply.file_id);
      return {
        ...(fileId !== undefined ? { remoteId: fileId } : {}),
        messages,
      };
    },

    async wasUploaded(fileName: string): Promise<boolean | undefined> {
      // An ambiguous upload is recent: look at today's and yesterday's list (UTC midnight crossing).
      const now = clock.now();
      for (const day of [yyyyMmDd(now), yyyyMmDd(now - 86_400_000)]) {
        for (let page = 1; page <= MAX_PAGES; page++) {
          const list = await uploadList(day, page);
          if (list.length === 0) break;
          if (list.some((u) => u.filename === fileName)) return true;
        }
      }
      return false;
    },

    async fetch(): Promise<RemoteDocument[]> {
      return [...(await fetchResponses()), ...(await fetchEras())];
    },

    async confirm(doc: RemoteDocument): Promise<void> {
      if (doc.remoteId.startsWith(RESPONSE_PREFIX)) {
        const moved = pendingResponses.confirm(doc.remoteId.slice(RESPONSE_PREFIX.length));
        if (moved !== undefined) opts.cursors.set(responseCursor, moved);
      } else if (doc.remoteId.startsWith(ERA_PREFIX)) {
        const moved = pendingEras.confirm(doc.remoteId.slice(ERA_PREFIX.length));
        if (moved !== undefined) opts.cursors.set(eraCursor, moved);
      }
      return Promise.resolve();
    },

    async ping(): Promise<void> {
      await uploadList(yyyyMmDd(clock.now()), 1);
    },

    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}

/** The sandbox clearinghouse is the REST protocol on another base URL (transport name 'sandbox'). */
export function createSandboxTransport(
  baseUrl: string,
  options: Partial<Omit<RestTransportOptions, 'baseUrl' | 'name'>> = {},
): RestTransport {
  return createRestTransport({
    accountKey: SANDBOX_ACCOUNT_KEY,
    cursors: options.cursors ?? memoryCursorStore(),
    ...options,
    baseUrl,
    name: 'sandbox',
  });
}

/** A CursorStore that forgets on restart (tests, the bench, a throwaway sandbox run). */
export function memoryCursorStore(initial: Record<string, string> = {}): CursorStore {
  const values = new Map(Object.entries(initial));
  return { get: (k) => values.get(k), set: (k, v) => void values.set(k, v) };
}

/** The account key the sandbox accepts unless told otherwise. */
export const SANDBOX_ACCOUNT_KEY = 'sandbox-account-key';

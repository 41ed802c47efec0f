// The sandbox clearinghouse: the Claim.MD-style REST protocol (rest.ts speaks it) over a hono app
// that owns no socket. Uploads are validated and answered at once with a 999 and a 277CA; the 835s
// follow after a delay. State lives in memory, and in its own SQLite file when given one (then a
// restarted sandbox keeps its ResponseIDs and ERA ids).
import { Hono, type Context } from 'hono';
import type { Clock } from '../../../appliance/ports.js';
import { systemClock } from '../../../appliance/ports.js';
import type { Adjudication } from './adjudicate.js';
import { respondToUpload } from './respond.js';
import { defaultCodec, type SandboxCodec } from './codec.js';
import type { SandboxEra, SandboxPersistence, SandboxResponse, SandboxUpload } from './state.js';

export type { SandboxEra, SandboxResponse, SandboxUpload } from './state.js';

export interface SandboxOptions {
  seed: number;
  /** Delay before an 835 is listed by eralist (config sandbox.era_delay_seconds). */
  eraDelayMs: number;
  /** The AccountKey it accepts. */
  accountKey: string;
  /** Share of paid claims reversed and re-adjudicated in a later ERA. Default 0. */
  reversalRate?: number;
  clock?: Clock;
  codec?: SandboxCodec;
  /** Entries per `response` / `uploadlist` / `eralist` page. Default 100. */
  pageSize?: number;
  /** Durable state (openSandboxState); without it the sandbox forgets everything on restart. */
  persistence?: SandboxPersistence;
}

/** Knobs for tests: simulated trouble. */
export interface SandboxFaults {
  /** The next `count` requests are answered 429 with this Retry-After. */
  rateLimit?: { count: number; retryAfterSeconds: number };
  /** Hold the upload reply this long after the upload is stored (a client timeout then is ambiguous). */
  stallUploadMs?: number;
}

export interface Sandbox {
  app: Hono;
  faults: SandboxFaults;
  uploads(): readonly SandboxUpload[];
  responses(): readonly SandboxResponse[];
  eras(): readonly SandboxEra[];
  /** Original claims (frequency 1) received more than once: must stay 0 for a correct submitter. */
  duplicateClaims(): string[];
  /** Requests served per endpoint (429s included). */
  requestCounts(): Record<string, number>;
}

class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 404,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** A form field as text ('' when absent or a file). */
function field(body: Record<string, string | File>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createSandbox(opts: SandboxOptions): Sandbox {
  const clock = opts.clock ?? systemClock;
  const codec = opts.codec ?? defaultCodec;
  const pageSize = opts.pageSize ?? 100;
  const faults: SandboxFaults = {};
  const loaded = opts.persistence?.load();
  const uploads: SandboxUpload[] = loaded?.uploads ?? [];
  const responses: SandboxResponse[] = loaded?.responses ?? [];
  const eras: SandboxEra[] = loaded?.eras ?? [];
  const originalsSeen = loaded?.originals ?? new Map<string, number>();
  const counts: Record<string, number> = {};
  let control = loaded?.control ?? 0;

  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof ApiError)
      return c.json({ error: { error_code: err.errorCode, error_mesg: err.message } }, err.status);
    return c.json({ error: { error_code: '500', error_mesg: 'internal error' } }, 500);
  });

  /** Every call is a POST with AccountKey; 429s are injected before anything else happens. */
  async function form(c: Context, endpoint: string): Promise<Record<string, string | File>> {
    counts[endpoint] = (counts[endpoint] ?? 0) + 1;
    const body = await c.req.parseBody<Record<string, string | File>>();
    if (body.AccountKey !== opts.accountKey) throw new ApiError(401, '401', 'Invalid AccountKey');
    return body;
  }

  app.use('*', async (c, next) => {
    const rl = faults.rateLimit;
    if (rl && rl.count > 0) {
      rl.count--;
      const endpoint = c.req.path.replace(/^\//, '');
      counts[`429:${endpoint}`] = (counts[`429:${endpoint}`] ?? 0) + 1;
      c.header('Retry-After', String(rl.retryAfterSeconds));
      return c.json({ error: { error_code: '429', error_mesg: 'Too many requests' } }, 429);
    }
    await next();
  });

  function store(fileid: string, filename: string, text: string): Adjudication | { error: string } {
    const out = respondToUpload(text, {
      seed: opts.seed,
      fileId: fileid,
      now: new Date(clock.now()),
      reversalRate: opts.reversalRate ?? 0,
      previouslySeen: originalsSeen.keys(),
      nextControl: () => ++control,
      codec,
    });
    if ('error' in out) return out;
    const upload: SandboxUpload = {
      fileid,
      filename,
      uploadedAt: clock.now(),
      claimCount: out.claimPcns.length,
      pcns: out.claimPcns,
    };
    const newResponses: SandboxResponse[] = [];
    const newEras: SandboxEra[] = [];
    for (const d of out.documents) {
      if (d.kind === '835')
        newEras.push({
          eraid: eras.length + newEras.length + 1,
          fileid,
          availableAt: clock.now() + opts.eraDelayMs * d.delaySteps,
          payerId: d.payerId ?? '',
          checkNumber: d.checkNumber ?? '',
          paidCents: d.paidCents ?? 0,
          edi: d.content,
          downloaded: false,
        });
      else
        newResponses.push({
          responseid: responses.length + newResponses.length + 1,
          fileid,
          filename: d.fileName,
          edi_type: d.kind,
          edi: d.content,
          status: d.accepted ? 'A' : 'R',
        });
    }
    // Durable first (one transaction), then visible, then answered.
    opts.persistence?.saveUpload(upload, newResponses, newEras, out.originals, control);
    uploads.push(upload);
    responses.push(...newResponses);
    eras.push(...newEras);
    for (const pcn of out.originals) originalsSeen.set(pcn, (originalsSeen.get(pcn) ?? 0) + 1);
    return out.adjudication;
  }

  app.post('/upload', async (c) => {
    const body = await form(c, 'upload');
    const file = body.File;
    if (!(file instanceof File)) throw new ApiError(400, 'FILE', 'File is required');
    const filename = field(body, 'Filename') || file.name;
    const fileid = String(uploads.length + 1001);
    const result = store(fileid, filename, await file.text());
    if ('error' in result) return c.json({ error: { error_code: 'X12', error_mesg: result.error } });
    if (faults.stallUploadMs) await sleep(faults.stallUploadMs);
    return c.json({
      fileid,
      filename,
      claim: result.claimResults.map((r) => ({
        pcn: r.pcn,
        status: r.status,
        messages: [{ status: r.status, message: r.message }],
      })),
      messages: [{ status: result.ack999.accepted > 0 ? 'A' : 'R', message: `999 ${result.ack999.status}` }],
    });
  });

  app.post('/uploadlist', async (c) => {
    const body = await form(c, 'uploadlist');
    const page = Math.max(1, Number(field(body, 'Page')) || 1);
    const date = field(body, 'UploadDate');
    const list = uploads.filter((u) => !date || new Date(u.uploadedAt).toISOString().slice(0, 10) === date);
    return c.json({
      upload: list.slice((page - 1) * pageSize, page * pageSize).map((u) => ({
        fileid: u.fileid,
        filename: u.filename,
        upload_date: new Date(u.uploadedAt).toISOString().slice(0, 10),
        claimcount: u.claimCount,
      })),
    });
  });

  app.post('/response', async (c) => {
    const body = await form(c, 'response');
    const after = Number(field(body, 'ResponseID')) || 0;
    const page = responses.filter((r) => r.responseid > after).slice(0, pageSize);
    const last = page[page.length - 1];
    return c.json({
      ...(last ? { last_responseid: String(last.responseid) } : {}),
      claim: page.map((r) => ({ ...r, responseid: String(r.responseid) })),
    });
  });

  app.post('/eralist', async (c) => {
    const body = await form(c, 'eralist');
    const after = Number(field(body, 'ERAID')) || 0;
    const newOnly = (field(body, 'NewOnly') || '1') === '1';
    const page = Math.max(1, Number(field(body, 'Page')) || 1);
    const now = clock.now();
    const list = eras.filter((e) => e.eraid > after && e.availableAt <= now && (!newOnly || !e.downloaded));
    return c.json({
      era: list.slice((page - 1) * pageSize, page * pageSize).map((e) => ({
        eraid: String(e.eraid),
        check_number: e.checkNumber,
        paid_amount: (e.paidCents / 100).toFixed(2),
        paid_date: new Date(e.availableAt).toISOString().slice(0, 10),
        payerid: e.payerId,
      })),
    });
  });

  app.post('/era835', async (c) => {
    const body = await form(c, 'era835');
    const id = Number(field(body, 'eraid') || field(body, 'ERAID'));
    const era = eras.find((e) => e.eraid === id && e.availableAt <= clock.now());
    if (!era) throw new ApiError(404, '404', `no ERA ${id}`);
    if (!era.downloaded) opts.persistence?.markDownloaded(era.eraid);
    era.downloaded = true;
    return c.json({ eraid: String(era.eraid), data: era.edi });
  });

  return {
    app,
    faults,
    uploads: () => uploads,
    responses: () => responses,
    eras: () => eras,
    duplicateClaims: () => [...originalsSeen].filter(([, n]) => n > 1).map(([pcn]) => pcn),
    requestCounts: () => ({ ...counts }),
  };
}

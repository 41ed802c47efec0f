// REST poller against a small local HTTP server standing in for an athenaOne-style EHR (port 0).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRestPoller, type RestPollerOptions } from '../../integrations/hl7/rest-poller.js';
import { toEnvelope } from '../../integrations/hl7/map.js';
import { generic25 } from '../../integrations/hl7/profiles.js';
import { sampleDft } from '../../integrations/hl7/sample.js';
import type { CursorStore } from '../../appliance/ports.js';
import { memorySink } from '../helpers/sqlite-intake-sink.js';

const logger = { info() {}, warn() {}, error() {} };
const encounter = (i: number) =>
  JSON.parse(
    JSON.stringify(toEnvelope(Buffer.from(sampleDft({ index: i })), 'rest', generic25).envelope!.encounter),
  ) as unknown;

interface Ehr {
  items: { id: string; updated_at: string; encounter: unknown }[];
  tokensMinted: number;
  requests: URLSearchParams[];
  /** Status codes to answer the next /encounters requests with, in order. */
  failNext: number[];
  /** Reject tokens minted before this count (simulates expiry/revocation). */
  revokeBelow: number;
}

let ehr: Ehr;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/oauth/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const ok =
          req.headers.authorization === `Basic ${Buffer.from('cid:secret').toString('base64')}` &&
          body.includes('grant_type=client_credentials');
        if (!ok) {
          res.writeHead(401).end();
          return;
        }
        ehr.tokensMinted++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            access_token: `tok${ehr.tokensMinted}`,
            expires_in: 3600,
            token_type: 'Bearer',
          }),
        );
      });
      return;
    }
    if (url.pathname === '/v1/encounters') {
      ehr.requests.push(url.searchParams);
      const auth = /^Bearer tok(\d+)$/.exec(req.headers.authorization ?? '');
      if (!auth || Number(auth[1]) < ehr.revokeBelow) {
        res.writeHead(401).end();
        return;
      }
      const fail = ehr.failNext.shift();
      if (fail) {
        res.writeHead(fail, fail === 429 ? { 'retry-after': '0' } : {}).end();
        return;
      }
      const since = url.searchParams.get('since') ?? '';
      const limit = Number(url.searchParams.get('limit'));
      const start = Number(url.searchParams.get('page_token') ?? 0);
      const matching = ehr.items.filter((x) => x.updated_at >= since);
      const page = matching.slice(start, start + limit);
      const next = start + limit < matching.length ? String(start + limit) : undefined;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ encounters: page, ...(next ? { next_page_token: next } : {}) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  ehr = {
    items: Array.from({ length: 5 }, (_, i) => ({
      id: `E${i}`,
      updated_at: `2026-03-01T10:0${i}:00Z`,
      encounter: encounter(i),
    })),
    tokensMinted: 0,
    requests: [],
    failNext: [],
    revokeBelow: 0,
  };
});

function memoryCursors(): CursorStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

const options = (over: Partial<RestPollerOptions> = {}): RestPollerOptions => ({
  name: 'athena',
  baseUrl: `${base}/v1`,
  tokenUrl: `${base}/oauth/token`,
  clientId: 'cid',
  clientSecret: 'secret',
  pageSize: 2,
  maxRetries: 3,
  baseDelayMs: 1,
  cursors: memoryCursors(),
  sink: memorySink(),
  logger,
  sleep: () => Promise.resolve(),
  ...over,
});

describe('REST poller', () => {
  it('pages through every encounter with one cached token and advances the since-cursor', async () => {
    const o = options();
    const r = await createRestPoller(o).pollOnce();
    expect(r).toMatchObject({ pages: 3, items: 5, accepted: 5, quarantined: 0 });
    expect(r.error).toBeUndefined();
    expect(ehr.tokensMinted).toBe(1);
    expect(o.cursors.get('athena.since')).toBe('2026-03-01T10:04:00Z');
    expect(o.cursors.get('athena.page_token')).toBe('');
    const sink = o.sink as ReturnType<typeof memorySink>;
    expect(sink.envelopes.map((e) => e.controlId)).toEqual([
      'E0@2026-03-01T10:00:00Z',
      'E1@2026-03-01T10:01:00Z',
      'E2@2026-03-01T10:02:00Z',
      'E3@2026-03-01T10:03:00Z',
      'E4@2026-03-01T10:04:00Z',
    ]);
    expect(sink.envelopes[0]).toMatchObject({ channel: 'rest', sender: 'rest:athena' });
    expect(sink.envelopes[0]!.encounter?.source.visitNumber).toBe('V0000000');
  });

  it('takes only changes on the next poll: the inclusive re-read is a duplicate, an update is a new version', async () => {
    const o = options();
    const poller = createRestPoller(o);
    await poller.pollOnce();
    ehr.items.push({ id: 'E2', updated_at: '2026-03-01T11:00:00Z', encounter: encounter(2) });
    const r = await poller.pollOnce();
    expect(r).toMatchObject({ items: 2, accepted: 1, duplicates: 1 });
    expect(ehr.requests.at(-1)!.get('since')).toBe('2026-03-01T10:04:00Z');
    expect(ehr.tokensMinted).toBe(1);
  });

  it('retries 503 and 429 with backoff, then succeeds', async () => {
    ehr.failNext = [503, 429, 502];
    const r = await createRestPoller(options()).pollOnce();
    expect(r).toMatchObject({ items: 5, accepted: 5 });
  });

  it('gives up after max_retries with a transient error, and resumes from the saved page token', async () => {
    const o = options({ maxRetries: 2 });
    // Page 1 succeeds, then page 2 fails three times in a row.
    const first = createRestPoller(o);
    ehr.failNext = [];
    const origItems = ehr.items;
    let served = 0;
    const wrapFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (
        (input instanceof URL ? input.href : typeof input === 'string' ? input : input.url).includes(
          '/encounters',
        ) &&
        res.ok &&
        ++served === 1
      )
        ehr.failNext = [500, 500, 500];
      return res;
    };
    const r1 = await createRestPoller({ ...o, fetch: wrapFetch }).pollOnce();
    expect(r1.error).toMatchObject({ code: 'REST_UNAVAILABLE', errorClass: 'transient' });
    expect(o.cursors.get('athena.page_token')).toBe('2');
    expect(o.cursors.get('athena.since')).toBeUndefined();
    // A new poller (after a restart) starts at page 2, not at the beginning.
    const r2 = await first.pollOnce();
    expect(ehr.requests.at(-2)!.get('page_token')).toBe('2');
    expect(r2).toMatchObject({ items: 3, accepted: 3 });
    expect((o.sink as ReturnType<typeof memorySink>).envelopes).toHaveLength(origItems.length);
    expect(o.cursors.get('athena.since')).toBe('2026-03-01T10:04:00Z');
  });

  it('mints a new token once on 401 (expired or revoked)', async () => {
    const o = options();
    const poller = createRestPoller(o);
    await poller.pollOnce();
    ehr.revokeBelow = 2;
    const r = await poller.pollOnce();
    expect(r.error).toBeUndefined();
    expect(ehr.tokensMinted).toBe(2);
  });

  it('fails permanently on bad client credentials without retrying', async () => {
    const r = await createRestPoller(options({ clientSecret: 'wrong' })).pollOnce();
    expect(r.error).toMatchObject({ code: 'REST_HTTP_ERROR', errorClass: 'permanent' });
  });

  it('quarantines an item that fails validation, with the field paths', async () => {
    (ehr.items[1]!.encounter as { placeOfService: string }).placeOfService = 'office';
    const o = options();
    const r = await createRestPoller(o).pollOnce();
    expect(r).toMatchObject({ accepted: 4, quarantined: 1 });
    const q = (o.sink as ReturnType<typeof memorySink>).envelopes.find((e) => e.quarantine);
    expect(q!.quarantine).toMatchObject({ code: 'JSON_INVALID' });
    expect(q!.quarantine!.reason).toMatch(/placeOfService/);
  });
});

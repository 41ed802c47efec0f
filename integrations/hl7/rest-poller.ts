// REST poller for EHRs with an encounter API (athenaOne style). Thin shell:
//  - OAuth2 client credentials (RFC 6749 §4.4): one token, cached until shortly before it expires
//    (minting per request gets rate-limited), refreshed once on a 401.
//  - GET {base_url}/encounters?since=<ISO>&limit=<n>[&page_token=<t>] →
//      { encounters: [{ id, updated_at, encounter: <EncounterInput JSON> }], next_page_token? }
//    (override with `mapItem` for an EHR whose shape differs).
//  - The since-cursor and page token live in the CursorStore and advance only after the sink has
//    committed the page, so a restart resumes where it stopped; `since` is inclusive, the re-read
//    items are duplicates (same id@updated_at) that the sink acknowledges and ignores.
//  - Bounded retries with exponential backoff and jitter on network errors, 429 (Retry-After) and 5xx.

import { createPollLoop } from './poll-loop.js';
import type { Clock, CursorStore, InboundEnvelope, IntakeSink } from '../../appliance/ports.js';
import { systemClock } from '../../appliance/ports.js';
import { ClaimboxError, permanent, transient } from '../../appliance/domain/errors.js';
import { validateEncounterJson } from './json-encounter.js';
import type { Hl7Logger } from './mllp.js';

export interface RestItem {
  id: string;
  updatedAt: string;
  /** The encounter JSON to validate (EncounterInput shape). */
  body: unknown;
}

export interface RestPollerOptions {
  /** Names the cursors and is the envelope's sender, e.g. 'athena'. */
  name: string;
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  pageSize: number;
  maxRetries: number;
  /** First backoff step; doubles per attempt, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Where to start when no cursor exists yet (ISO-8601). */
  initialSince?: string;
  cursors: CursorStore;
  sink: IntakeSink;
  logger: Hl7Logger;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  mapItem?: (raw: unknown) => RestItem | undefined;
}

export interface RestPollResult {
  pages: number;
  items: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  error?: { code: string; errorClass: string; message: string };
}

export interface RestPoller {
  pollOnce(): Promise<RestPollResult>;
  start(pollMs: number): void;
  stop(): Promise<void>;
}

function defaultMapItem(raw: unknown): RestItem | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const id = r.id;
  const updatedAt = r.updated_at;
  if ((typeof id !== 'string' && typeof id !== 'number') || typeof updatedAt !== 'string') return undefined;
  return { id: String(id), updatedAt, body: r.encounter };
}

export function createRestPoller(o: RestPollerOptions): RestPoller {
  const clock = o.clock ?? systemClock;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const doFetch = o.fetch ?? fetch;
  const mapItem = o.mapItem ?? defaultMapItem;
  const baseDelay = o.baseDelayMs ?? 1000;
  const maxDelay = o.maxDelayMs ?? 60_000;
  const keys = { since: `${o.name}.since`, page: `${o.name}.page_token`, max: `${o.name}.max_seen` };
  let token: { value: string; expiresAt: number } | undefined;

  const backoff = (attempt: number, retryAfter?: string | null) => {
    const ra = retryAfter ? Number(retryAfter) : NaN;
    if (Number.isFinite(ra) && ra >= 0) return Math.min(ra * 1000, maxDelay);
    const step = Math.min(baseDelay * 2 ** attempt, maxDelay);
    return step / 2 + Math.random() * (step / 2);
  };

  /** One HTTP call with bounded retries; permanent errors (4xx) are not retried. */
  async function call(
    what: string,
    make: () => Promise<Response>,
    onUnauthorized?: () => void,
  ): Promise<Response> {
    let lastError = '';
    let refreshed = false;
    for (let attempt = 0; attempt <= o.maxRetries; attempt++) {
      let res: Response;
      try {
        res = await make();
      } catch (err) {
        // A permanent failure inside (the token call refused our credentials) is not retried.
        if (err instanceof ClaimboxError && err.errorClass === 'permanent') throw err;
        lastError = err instanceof Error ? err.message : String(err);
        if (attempt < o.maxRetries) await sleep(backoff(attempt));
        continue;
      }
      if (res.ok) return res;
      const body = await res.text().catch(() => '');
      lastError = `HTTP ${res.status}`;
      if (res.status === 401 && onUnauthorized && !refreshed) {
        refreshed = true;
        onUnauthorized();
        attempt--;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        if (attempt < o.maxRetries) await sleep(backoff(attempt, res.headers.get('retry-after')));
        continue;
      }
      throw permanent('REST_HTTP_ERROR', `${what}: HTTP ${res.status}`, {
        status: res.status,
        body: body.slice(0, 200),
      });
    }
    throw transient('REST_UNAVAILABLE', `${what}: gave up after ${o.maxRetries + 1} attempts (${lastError})`);
  }

  async function accessToken(): Promise<string> {
    if (token && clock.now() < token.expiresAt) return token.value;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (o.scope) form.set('scope', o.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`,
    ).toString('base64');
    const res = await call('token', () =>
      doFetch(o.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      }),
    );
    const json = (await res.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof json.access_token !== 'string')
      throw permanent('REST_BAD_TOKEN', 'token response has no access_token');
    const ttl = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 3600);
    // Renew a minute early (or at half-life for short tokens) so a request never carries a stale one.
    const margin = Math.min(60, ttl / 2);
    token = { value: json.access_token, expiresAt: clock.now() + (ttl - margin) * 1000 };
    return token.value;
  }

  function envelopeOf(raw: unknown): InboundEnvelope {
    const item = mapItem(raw);
    const bytes = Buffer.from(JSON.stringify(raw));
    const base: InboundEnvelope = {
      channel: 'rest',
      sender: `rest:${o.name}`,
      raw: bytes,
      messageType: 'encounter',
    };
    if (!item) return { ...base, quarantine: { code: 'REST_BAD_ITEM', reason: 'item has no id/updated_at' } };
    // A changed encounter has a new updated_at: a new version, not a duplicate.
    base.controlId = `${item.id}@${item.updatedAt}`;
    const v = validateEncounterJson(item.body);
    if (!v.value)
      return {
        ...base,
        quarantine: {
          code: 'JSON_INVALID',
          reason: v.errors
            .slice(0, 10)
            .map((e) => `${e.path || '(body)'}: ${e.message}`)
            .join('; '),
        },
      };
    return { ...base, encounter: v.value };
  }

  async function pollOnce(): Promise<RestPollResult> {
    const result: RestPollResult = { pages: 0, items: 0, accepted: 0, duplicates: 0, quarantined: 0 };
    try {
      const since = o.cursors.get(keys.since) || o.initialSince || '1970-01-01T00:00:00.000Z';
      let maxSeen = o.cursors.get(keys.max) || since;
      let pageToken = o.cursors.get(keys.page) || undefined;
      for (;;) {
        const url = new URL(`${o.baseUrl.replace(/\/$/, '')}/encounters`);
        url.searchParams.set('since', since);
        url.searchParams.set('limit', String(o.pageSize));
        if (pageToken) url.searchParams.set('page_token', pageToken);
        const res = await call(
          'encounters',
          async () =>
            doFetch(url, {
              headers: { authorization: `Bearer ${await accessToken()}`, accept: 'application/json' },
            }),
          () => (token = undefined),
        );
        const page = (await res.json()) as { encounters?: unknown; next_page_token?: unknown };
        const items = Array.isArray(page.encounters) ? (page.encounters as unknown[]) : [];
        const envelopes = items.map(envelopeOf);
        const stored = await Promise.all(envelopes.map((e) => o.sink.accept(e)));
        for (const s of stored) {
          if (s.status === 'duplicate') result.duplicates++;
          else if (s.status === 'quarantined') result.quarantined++;
          else result.accepted++;
        }
        for (const raw of items) {
          const it = mapItem(raw);
          if (it && it.updatedAt > maxSeen) maxSeen = it.updatedAt;
        }
        result.pages++;
        result.items += items.length;
        const next =
          typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
        // The page is committed: only now move the cursors.
        if (next) {
          o.cursors.set(keys.max, maxSeen);
          o.cursors.set(keys.page, next);
          pageToken = next;
          continue;
        }
        o.cursors.set(keys.since, maxSeen);
        o.cursors.set(keys.max, '');
        o.cursors.set(keys.page, '');
        break;
      }
    } catch (err) {
      const e =
        err instanceof ClaimboxError
          ? err
          : transient('REST_POLL_FAILED', err instanceof Error ? err.message : String(err));
      result.error = { code: e.code, errorClass: e.errorClass, message: e.message };
      o.logger.warn({ poller: o.name, code: e.code, err: e.message }, 'rest poller: poll failed');
    }
    return result;
  }

  const polling = createPollLoop(pollOnce);

  return {
    pollOnce,
    start: (pollMs: number) => polling.start(pollMs),
    async stop() {
      await polling.stop();
    },
  };
}

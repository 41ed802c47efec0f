// The hono app: admin page, /api, /health, /metrics. It owns no socket (serve.ts binds it), so
// tests drive the whole stack with app.request(). Errors are thrown as HTTPException and mapped once.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Clock, HoldSwitch, IntakeSink } from '../ports.js';
import type { EncounterInput } from '../domain/types.js';
import type { Store } from '../store/open.js';
import * as q from '../store/queries.js';
import { appendAudit } from '../audit/log.js';
import type { HealthRegistry } from './health.js';
import { adminPage, loginPage } from './admin-page.js';
import type { Auth, AuthEnv } from './auth.js';

export interface WebDeps {
  store: Store;
  health: HealthRegistry;
  sink: IntakeSink;
  hold: HoldSwitch;
  clock: Clock;
  logger: Logger;
  /** Bearer tokens accepted by POST /api/encounters. Empty: only loopback callers may post. */
  apiTokens: string[];
  validateEncounter(body: unknown): { value?: EncounterInput; errors: { path: string; message: string }[] };
  requestSubmitNow(): void;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Sub-apps mounted under /api (code tables, auth, remittance, patient A/R, ...). */
  mounts?: { path: string; app: Hono }[];
  /** Staff sign-in (sessions) guarding /api and the admin page; absent = open (tests only). */
  auth?: Auth;
  onHttp?: (method: string, route: string, status: number, ms: number) => void;
}

function tokenOk(header: string | undefined, tokens: string[]): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  return tokens.some((t) => {
    const want = Buffer.from(t);
    return want.length === given.length && timingSafeEqual(want, given);
  });
}

function intParam(v: string | undefined, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new HTTPException(400, { message: `${name} must be a positive integer` });
  return n;
}

export function createWebApp(deps: WebDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { store } = deps;

  app.onError((err, c) => {
    if (err instanceof HTTPException)
      return err.res ? err.getResponse() : c.json({ error: err.message }, err.status);
    deps.logger.error({ err: err.message, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });

  // Request log: method, route, status, time. Never the body or query (they may carry PHI).
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    const ms = performance.now() - t0;
    const route = c.req.routePath;
    deps.onHttp?.(c.req.method, route, c.res.status, ms);
    if (route !== '/health' && route !== '/metrics')
      deps.logger.info({ method: c.req.method, route, status: c.res.status, ms: Math.round(ms) }, 'http');
  });

  app.get('/health', (c) => {
    const r = deps.health.current();
    return c.body(deps.health.body(), r.status === 'critical' ? 503 : 200, {
      'content-type': 'application/json',
    });
  });

  app.get('/metrics', async (c) => {
    if (!deps.metrics) return c.text('# no metrics registry\n', 200);
    const m = await deps.metrics();
    return c.body(m.body, 200, { 'content-type': m.contentType });
  });

  // JSON intake for EHR webhooks: its own bearer token, not a staff session.
  app.post('/api/encounters', async (c) => {
    if (deps.apiTokens.length > 0 && !tokenOk(c.req.header('authorization'), deps.apiTokens))
      throw new HTTPException(401, { message: 'a valid API token is required (Authorization: Bearer …)' });
    const raw = Buffer.from(await c.req.arrayBuffer());
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return c.json(
        { error: 'body is not valid JSON', errors: [{ path: '', message: 'invalid JSON' }] },
        400,
      );
    }
    const v = deps.validateEncounter(body);
    if (!v.value) return c.json({ error: 'invalid encounter', errors: v.errors }, 422);
    const result = await deps.sink.accept({
      channel: 'api',
      sender: `api:${v.value.source.system}`,
      controlId: c.req.header('idempotency-key') ?? undefined,
      messageType: 'JSON',
      raw,
      encounter: v.value,
    });
    return c.json(result, result.status === 'accepted' ? 201 : 200);
  });

  if (deps.auth) app.route('/', deps.auth.routes);
  const api = new Hono<AuthEnv>();
  const auth = deps.auth;
  if (auth) {
    // Reading needs any signed-in role; changing anything needs a biller or an admin.
    const viewer = auth.requireUser('viewer');
    const biller = auth.requireUser('biller');
    api.use('*', (c, next) => {
      const ctx = c as unknown as Context<AuthEnv, string>;
      return c.req.method === 'GET' || c.req.method === 'HEAD' ? viewer(ctx, next) : biller(ctx, next);
    });
  }

  api.get('/status', (c) =>
    c.json({
      counts: q.countsByStatus(store),
      backlog: q.backlog(store, deps.clock.now()),
      hold: deps.hold.reasons(),
    }),
  );
  api.get('/encounters', (c) =>
    c.json(
      q.listEncounters(store, {
        status: c.req.query('status'),
        limit: Number(c.req.query('limit') ?? 100),
        offset: Number(c.req.query('offset') ?? 0),
      }),
    ),
  );
  api.get('/encounters/:id', (c) => {
    const id = intParam(c.req.param('id'), 'id');
    const enc = q.getEncounter(store, id);
    if (!enc) throw new HTTPException(404, { message: 'no such encounter' });
    store.tx(() =>
      appendAudit(
        store,
        [
          {
            event: 'PHI_VIEWED',
            actor: c.get('user') ? `user:${c.get('user').username}` : 'user:local',
            entityType: 'encounter',
            entityId: String(id),
            sourceAddress: c.req.header('x-forwarded-for') ?? undefined,
          },
        ],
        deps.clock.now(),
      ),
    );
    return c.json(enc);
  });
  api.get('/claims', (c) =>
    c.json(
      q.listClaims(store, {
        status: c.req.query('status'),
        limit: Number(c.req.query('limit') ?? 100),
        offset: Number(c.req.query('offset') ?? 0),
      }),
    ),
  );
  api.get('/claims/:id', (c) => {
    const claim = q.getClaim(store, intParam(c.req.param('id'), 'id'));
    if (!claim) throw new HTTPException(404, { message: 'no such claim' });
    return c.json(claim);
  });
  api.get('/work-items', (c) =>
    c.json(q.listWorkItems(store, { kind: c.req.query('kind'), status: c.req.query('status') })),
  );
  api.get('/batches', (c) => c.json(q.listBatches(store)));
  api.get('/lags', (c) => c.json(q.stageLags(store)));
  api.post('/submission/hold', async (c) => {
    const body: { held?: unknown } = await c.req.json<{ held?: unknown }>().catch(() => ({}));
    if (typeof body.held !== 'boolean')
      throw new HTTPException(400, { message: 'body must be {"held": true|false}' });
    deps.hold.set('operator', body.held);
    return c.json({ held: deps.hold.isHeld(), reasons: deps.hold.reasons() });
  });
  api.post('/submission/submit-now', (c) => {
    deps.requestSubmitNow();
    return c.json({ requested: true, held: deps.hold.isHeld() }, 202);
  });
  for (const m of deps.mounts ?? []) api.route(m.path, m.app);
  app.route('/api', api);

  const page = new Hono<AuthEnv>();
  page.get('/', async (c) => {
    if (auth) {
      let signedIn = false;
      try {
        await auth.requireUser('viewer')(c, () => {
          signedIn = true;
          return Promise.resolve();
        });
      } catch (err) {
        if (!(err instanceof HTTPException) || err.status !== 401) throw err;
      }
      if (!signedIn) return c.html(loginPage({ setupRequired: auth.setupToken() !== undefined }), 200);
    }
    return c.html(
      adminPage({
        counts: q.countsByStatus(store),
        encounters: q.listEncounters(store, { limit: 50 }),
        claims: q.listClaims(store, { limit: 50 }),
        work: q.listWorkItems(store, { status: 'open', limit: 50 }),
        batches: q.listBatches(store, 20),
        lags: q.stageLags(store),
        health: deps.health.current(),
        hold: deps.hold.reasons(),
        user: (c.get('user') as { username: string } | undefined)?.username,
      }),
    );
  });
  app.route('/', page);
  return app;
}

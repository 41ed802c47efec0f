// Sign-in for the admin page and bearer tokens for machines.
//
// - Sessions live in memory: a restart signs everyone out, which is acceptable for a one-box
//   appliance and means no session secret sits in the database or on disk.
// - Idle timeout 15 minutes: HIPAA §164.312(a)(2)(iii) automatic logoff. Background polls that send
//   `X-Claimbox-Passive: 1` do not count as activity, so an open but unattended page still logs off.
// - Cookie: HttpOnly, SameSite=Strict (the admin page is same-origin; Strict also keeps other sites
//   from riding the session, so no separate CSRF token), Secure when served over TLS.
// - Failed sign-ins are counted per source address; past the limit the address waits (429).
// - First run: while no user exists, a one-time setup token is generated in memory and written to
//   the service log (journald, readable by root/adm only). The admin page posts it with the first
//   admin's name and password to POST /api/setup. `claimbox user add NAME --role admin` on the box
//   does the same without the token. We chose a logged token over "first visitor becomes admin"
//   because the admin port faces the practice LAN: whoever reads the log already has root on the box.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Logger } from '../log.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/open.js';
import {
  auditLoginRefused,
  authenticate,
  countUsers,
  createUser,
  getUserById,
  roleAtLeast,
  UserError,
  type Role,
  type ScryptParams,
} from '../store/users.js';

export const SESSION_COOKIE = 'claimbox_session';
export const PASSIVE_HEADER = 'x-claimbox-passive';

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
}

export type AuthEnv = {
  Variables: {
    /** Set by requireUser(). */
    user: SessionUser;
    /** Set by requireToken(): 'token:<first 8 hex of its sha256>', never the token. */
    apiClient: string;
  };
};

export interface AuthOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** HIPAA automatic logoff; default 15 minutes. */
  idleTimeoutMs?: number;
  /** A session ends after this long even when active; default 12 hours (one working day). */
  maxSessionMs?: number;
  /** Failed sign-ins per address within failureWindowMs before the address is locked out. */
  maxFailures?: number;
  failureWindowMs?: number;
  lockoutMs?: number;
  /** Mark the cookie Secure; it is also Secure whenever the request URL is https. */
  secureCookies?: boolean;
  /** config server.trusted_proxy: trust X-Forwarded-For only from this address. */
  trustedProxy?: string;
  /** Hash parameters for users created through /api/setup (tests lower them). */
  scrypt?: ScryptParams;
}

export interface Auth {
  /** POST /api/login, POST /api/logout, GET /api/me, GET+POST /api/setup. Mount with app.route('/', routes). */
  routes: Hono<AuthEnv>;
  /** 401 without a live session, 403 below `role` (admin ⊃ biller ⊃ viewer). */
  requireUser(role?: Role): MiddlewareHandler<AuthEnv>;
  /** Bearer token check for machine clients (EHR webhooks, RMM). No tokens configured = always 401. */
  requireToken(tokens: readonly string[]): MiddlewareHandler<AuthEnv>;
  /** The first-run setup token while no user exists (undefined once used or when users exist). */
  setupToken(): string | undefined;
  /** Live sessions (for /metrics). */
  sessionCount(): number;
}

interface Session {
  user: SessionUser;
  createdAt: number;
  lastSeen: number;
}

interface Failures {
  count: number;
  firstAt: number;
  lockedUntil: number;
}

const MINUTE = 60_000;

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Equal-length digests compared in constant time, so neither content nor length leaks. */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function unauthorized(message: string, headers: Record<string, string> = {}): HTTPException {
  return new HTTPException(401, {
    message,
    res: new Response(JSON.stringify({ error: 'unauthorized', message }), {
      status: 401,
      headers: { 'content-type': 'application/json', ...headers },
    }),
  });
}

export function createAuth(opts: AuthOptions): Auth {
  const { store, clock, logger } = opts;
  const idleMs = opts.idleTimeoutMs ?? 15 * MINUTE;
  const maxSessionMs = opts.maxSessionMs ?? 12 * 60 * MINUTE;
  const maxFailures = opts.maxFailures ?? 5;
  const failureWindowMs = opts.failureWindowMs ?? 15 * MINUTE;
  const lockoutMs = opts.lockoutMs ?? 15 * MINUTE;
  const sessions = new Map<string, Session>();
  const failures = new Map<string, Failures>();

  let setup: string | undefined;
  if (countUsers(store) === 0) {
    setup = randomBytes(18).toString('base64url');
    logger.warn(
      `first run: no users yet. Open the admin page and create the first admin with setup token ${setup}` +
        ' (valid until used or the service restarts), or on the box run: claimbox user add NAME --role admin',
    );
  }

  function clientAddress(c: Context): string {
    let addr = 'unknown';
    try {
      addr = getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      // app.request() without a socket (tests, internal calls)
    }
    if (opts.trustedProxy && addr === opts.trustedProxy) {
      const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim());
      const last = hops.filter(Boolean).pop();
      if (last) addr = last;
    }
    return addr;
  }

  function sweep(now: number): void {
    for (const [id, s] of sessions) if (expired(s, now)) sessions.delete(id);
    for (const [addr, f] of failures)
      if (f.lockedUntil <= now && now - f.firstAt > failureWindowMs) failures.delete(addr);
  }

  function expired(s: Session, now: number): boolean {
    return now - s.lastSeen >= idleMs || now - s.createdAt >= maxSessionMs;
  }

  /** Seconds until the address may try again, or 0. */
  function lockedFor(addr: string, now: number): number {
    const f = failures.get(addr);
    return f && f.lockedUntil > now ? Math.ceil((f.lockedUntil - now) / 1000) : 0;
  }

  function recordFailure(addr: string, now: number): boolean {
    let f = failures.get(addr);
    if (!f || now - f.firstAt > failureWindowMs) {
      f = { count: 0, firstAt: now, lockedUntil: 0 };
      failures.set(addr, f);
    }
    f.count += 1;
    if (f.count >= maxFailures) {
      f.lockedUntil = now + lockoutMs;
      f.count = 0;
      f.firstAt = now;
      logger.warn(
        { sourceAddress: addr, lockoutSeconds: lockoutMs / 1000 },
        'sign-in locked out for address',
      );
      return true;
    }
    return false;
  }

  function startSession(c: Context, user: SessionUser, now: number): void {
    sweep(now);
    // A fresh id at every sign-in (no session fixation); the old session, if any, ends.
    const old = getCookie(c, SESSION_COOKIE);
    if (old) sessions.delete(old);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, { user, createdAt: now, lastSeen: now });
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: opts.secureCookies === true || new URL(c.req.url).protocol === 'https:',
    });
  }

  function tooMany(c: Context, seconds: number): Response {
    c.header('Retry-After', String(seconds));
    return c.json({ error: 'too_many_attempts', retryAfterSeconds: seconds }, 429);
  }

  async function credentials(c: Context): Promise<Record<string, unknown>> {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (typeof body !== 'object' || body === null) throw new HTTPException(400, { message: 'expected JSON' });
    return body as Record<string, unknown>;
  }

  const routes = new Hono<AuthEnv>();

  routes.post('/api/login', async (c) => {
    const now = clock.now();
    const addr = clientAddress(c);
    const wait = lockedFor(addr, now);
    if (wait > 0) return tooMany(c, wait);
    const body = await credentials(c);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password)
      return c.json({ error: 'bad_request', message: 'username and password are required' }, 400);
    const result = await authenticate(store, username, password, { now, sourceAddress: addr });
    if (!result.ok) {
      const locked = recordFailure(addr, now);
      logger.info({ sourceAddress: addr, reason: result.reason }, 'sign-in failed');
      // One answer for every failure: which part was wrong is in the audit log, not the response.
      return locked ? tooMany(c, Math.ceil(lockoutMs / 1000)) : c.json({ error: 'invalid_credentials' }, 401);
    }
    failures.delete(addr);
    const user = { id: result.user.id, username: result.user.username, role: result.user.role };
    startSession(c, user, now);
    logger.info({ user: user.username, sourceAddress: addr }, 'signed in');
    return c.json({ username: user.username, role: user.role, idleTimeoutSeconds: idleMs / 1000 });
  });

  routes.post('/api/logout', (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    const s = id ? sessions.get(id) : undefined;
    if (id) sessions.delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    if (s) logger.info({ user: s.user.username }, 'signed out');
    return c.body(null, 204);
  });

  routes.get('/api/setup', (c) => c.json({ required: setup !== undefined && countUsers(store) === 0 }));

  routes.post('/api/setup', async (c) => {
    const now = clock.now();
    const addr = clientAddress(c);
    const wait = lockedFor(addr, now);
    if (wait > 0) return tooMany(c, wait);
    const { token, username, password } = await credentials(c);
    if (setup === undefined || countUsers(store) > 0) {
      setup = undefined;
      return c.json({ error: 'setup_closed', message: 'setup is closed: sign in instead' }, 409);
    }
    if (typeof token !== 'string' || !safeEqual(token, setup)) {
      auditLoginRefused(store, { now, sourceAddress: addr }, { method: 'setup_token', reason: 'bad_token' });
      const locked = recordFailure(addr, now);
      return locked ? tooMany(c, Math.ceil(lockoutMs / 1000)) : c.json({ error: 'invalid_setup_token' }, 401);
    }
    if (typeof username !== 'string' || typeof password !== 'string')
      return c.json({ error: 'bad_request', message: 'username and password are required' }, 400);
    try {
      const u = await createUser(
        store,
        { username, password, role: 'admin' },
        { actor: 'service:setup', now, sourceAddress: addr },
        { onlyIfNoUsers: true, ...(opts.scrypt ? { scrypt: opts.scrypt } : {}) },
      );
      setup = undefined;
      logger.warn(
        { user: u.username, sourceAddress: addr },
        'first admin created through setup; setup closed',
      );
      startSession(c, { id: u.id, username: u.username, role: u.role }, now);
      return c.json({ username: u.username, role: u.role }, 201);
    } catch (err) {
      if (err instanceof UserError) return c.json({ error: err.code, message: err.message }, 400);
      throw err;
    }
  });

  function requireUser(role?: Role): MiddlewareHandler<AuthEnv> {
    return async (c, next) => {
      const now = clock.now();
      const id = getCookie(c, SESSION_COOKIE);
      const s = id ? sessions.get(id) : undefined;
      if (!id || !s) throw unauthorized('sign in required');
      if (expired(s, now)) {
        sessions.delete(id);
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        logger.info({ user: s.user.username }, 'session ended by inactivity');
        throw unauthorized('session expired');
      }
      // A user disabled (by the CLI or another admin) loses every session at the next request.
      const current = getUserById(store, s.user.id);
      if (!current || current.disabled) {
        sessions.delete(id);
        throw unauthorized('account disabled');
      }
      s.user = { id: current.id, username: current.username, role: current.role };
      if (role && !roleAtLeast(s.user.role, role))
        throw new HTTPException(403, {
          res: Response.json({ error: 'forbidden', message: `needs role ${role}` }, { status: 403 }),
        });
      if (c.req.header(PASSIVE_HEADER) !== '1') s.lastSeen = now;
      c.set('user', s.user);
      await next();
    };
  }

  routes.get('/api/me', requireUser(), (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    const s = id ? sessions.get(id) : undefined;
    const u = c.get('user');
    return c.json({
      username: u.username,
      role: u.role,
      idleExpiresAt: s ? new Date(s.lastSeen + idleMs).toISOString() : undefined,
    });
  });

  function requireToken(tokens: readonly string[]): MiddlewareHandler<AuthEnv> {
    const digests = tokens.map((t) => ({
      digest: sha256(t),
      id: `token:${sha256(t).toString('hex').slice(0, 8)}`,
    }));
    return async (c, next) => {
      const header = c.req.header('authorization') ?? '';
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const presented = m?.[1];
      if (!presented) throw unauthorized('bearer token required', { 'WWW-Authenticate': 'Bearer' });
      const d = sha256(presented);
      let match: string | undefined;
      // Compare against every token, never stopping early, so timing does not tell which matched.
      for (const t of digests) if (timingSafeEqual(d, t.digest) && match === undefined) match = t.id;
      if (!match) throw unauthorized('invalid token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      c.set('apiClient', match);
      await next();
    };
  }

  return {
    routes,
    requireUser,
    requireToken,
    setupToken: () => (setup !== undefined && countUsers(store) === 0 ? setup : undefined),
    sessionCount: () => {
      sweep(clock.now());
      return sessions.size;
    },
  };
}

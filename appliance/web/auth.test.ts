import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { openStore, type Store } from '../store/open.js';
import { createUser, setDisabled, type ScryptParams } from '../store/users.js';
import { createAuth, SESSION_COOKIE, type Auth, type AuthEnv } from './auth.js';

const FAST: ScryptParams = { N: 1 << 10, r: 8, p: 1 };
const MIN = 60_000;
const PASSWORD = 'correct-horse-battery';

let dir: string;
let store: Store;
let now: number;
const clock = { now: () => now };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-auth-'));
  store = openStore(join(dir, 'claimbox.db'));
  now = 1_700_000_000_000;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function addUser(username: string, role: 'admin' | 'biller' | 'viewer' = 'biller') {
  return createUser(
    store,
    { username, password: PASSWORD, role },
    { actor: 'cli:test', now },
    { scrypt: FAST },
  );
}

function makeApp(auth: Auth) {
  const app = new Hono<AuthEnv>();
  app.route('/', auth.routes);
  app.get('/api/claims', auth.requireUser('viewer'), (c) => c.json({ who: c.get('user').username }));
  app.post('/api/users', auth.requireUser('admin'), (c) => c.json({ ok: true }));
  app.post(
    '/api/encounters',
    auth.requireToken(['a-webhook-token-0123456789', 'second-token-abcdefghij']),
    (c) => c.json({ client: c.get('apiClient') }),
  );
  return app;
}

/** app.request with a fake socket so getConnInfo sees a source address. */
function req(app: Hono<AuthEnv>, path: string, init: RequestInit = {}, addr = '192.0.2.10') {
  return app.request(path, init, { incoming: { socket: { remoteAddress: addr, remoteFamily: 'IPv4' } } });
}

function login(app: Hono<AuthEnv>, username: string, password: string, addr?: string) {
  return req(
    app,
    '/api/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    },
    addr,
  );
}

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(set);
  return `${SESSION_COOKIE}=${m?.[1] ?? ''}`;
}

function audit() {
  return store.sqlite
    .prepare('SELECT actor, event, source, outcome, detail FROM audit_log ORDER BY seq')
    .all() as {
    actor: string;
    event: string;
    source: string | null;
    outcome: string;
    detail: string;
  }[];
}

describe('admin sign-in', () => {
  it('login sets an HttpOnly SameSite=Strict cookie, me answers, logout ends the session', async () => {
    await addUser('alice');
    const auth = createAuth({ store, clock, logger: silentLogger() });
    const app = makeApp(auth);
    const res = await login(app, 'alice', PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const cookie = cookieOf(res);
    const me = await req(app, '/api/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'alice', role: 'biller' });
    expect((await req(app, '/api/claims', { headers: { cookie } })).status).toBe(200);
    const out = await req(app, '/api/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect((await req(app, '/api/me', { headers: { cookie } })).status).toBe(401);
    expect(auth.sessionCount()).toBe(0);
    expect(audit().filter((a) => a.event === 'LOGIN')).toMatchObject([
      { actor: 'user:alice', source: '192.0.2.10', outcome: 'success' },
    ]);
  });

  it('cookie is Secure when the request came over https', async () => {
    await addUser('alice');
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    const res = await app.request('https://claimbox.local/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('session expires after 15 idle minutes, activity keeps it alive, passive polls do not', async () => {
    await addUser('alice');
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    const cookie = cookieOf(await login(app, 'alice', PASSWORD));
    now += 14 * MIN;
    expect((await req(app, '/api/claims', { headers: { cookie } })).status).toBe(200);
    now += 14 * MIN; // 28 min after login, 14 after the last activity
    expect((await req(app, '/api/claims', { headers: { cookie } })).status).toBe(200);
    now += 10 * MIN;
    // a background poll is answered but does not extend the session
    expect((await req(app, '/api/claims', { headers: { cookie, 'x-claimbox-passive': '1' } })).status).toBe(
      200,
    );
    now += 5 * MIN; // 15 min since the last real activity
    const res = await req(app, '/api/claims', { headers: { cookie } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'session expired' });
  });

  it('wrong password, unknown user and disabled user all get the same 401 and are audited', async () => {
    await addUser('alice');
    await addUser('bob', 'admin');
    setDisabled(store, 'alice', true, { actor: 'cli:test', now });
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    const answers = await Promise.all([
      login(app, 'bob', 'not-the-password'),
      login(app, 'nobody', PASSWORD),
      login(app, 'alice', PASSWORD),
    ]);
    for (const r of answers) {
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: 'invalid_credentials' });
    }
    const failed = audit().filter((a) => a.event === 'LOGIN_FAILED');
    expect(failed.map((a) => JSON.parse(a.detail) as unknown)).toEqual(
      expect.arrayContaining([
        { method: 'password', reason: 'bad_password' },
        { method: 'password', reason: 'unknown_user' },
        { method: 'password', reason: 'disabled' },
      ]),
    );
    expect(failed.every((a) => a.source === '192.0.2.10')).toBe(true);
  });

  it('locks out an address after 5 failures for 15 minutes, other addresses unaffected', async () => {
    await addUser('alice');
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    for (let i = 0; i < 4; i++) expect((await login(app, 'alice', 'wrong-password-x')).status).toBe(401);
    const fifth = await login(app, 'alice', 'wrong-password-x');
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('900');
    // even the right password waits, and costs no audit entry or hash while locked
    const before = audit().length;
    expect((await login(app, 'alice', PASSWORD)).status).toBe(429);
    expect(audit().length).toBe(before);
    expect((await login(app, 'alice', PASSWORD, '192.0.2.99')).status).toBe(200);
    now += 15 * MIN;
    expect((await login(app, 'alice', PASSWORD)).status).toBe(200);
  });

  it('roles: a viewer may read but not administer; disabling a user ends their session', async () => {
    await addUser('vera', 'viewer');
    await addUser('adam', 'admin');
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    const cookie = cookieOf(await login(app, 'vera', PASSWORD));
    expect((await req(app, '/api/claims', { headers: { cookie } })).status).toBe(200);
    expect((await req(app, '/api/users', { method: 'POST', headers: { cookie } })).status).toBe(403);
    setDisabled(store, 'vera', true, { actor: 'user:adam', now });
    expect((await req(app, '/api/claims', { headers: { cookie } })).status).toBe(401);
  });

  it('signing in again issues a new session id and ends the old one', async () => {
    await addUser('alice');
    const auth = createAuth({ store, clock, logger: silentLogger() });
    const app = makeApp(auth);
    const first = cookieOf(await login(app, 'alice', PASSWORD));
    const again = await req(app, '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: first },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    });
    const second = cookieOf(again);
    expect(second).not.toBe(first);
    expect((await req(app, '/api/me', { headers: { cookie: first } })).status).toBe(401);
    expect((await req(app, '/api/me', { headers: { cookie: second } })).status).toBe(200);
    expect(auth.sessionCount()).toBe(1);
  });

  it('a forged or missing cookie is refused', async () => {
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    expect((await req(app, '/api/me')).status).toBe(401);
    expect((await req(app, '/api/me', { headers: { cookie: `${SESSION_COOKIE}=forged` } })).status).toBe(401);
  });
});

describe('first-run setup', () => {
  it('with no users, the setup token creates the first admin once and signs them in', async () => {
    const auth = createAuth({ store, clock, logger: silentLogger(), scrypt: FAST });
    const app = makeApp(auth);
    const token = auth.setupToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await (await req(app, '/api/setup')).json()).toEqual({ required: true });
    const post = (body: unknown) =>
      req(app, '/api/setup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ token: 'wrong', username: 'root1', password: PASSWORD })).status).toBe(401);
    const ok = await post({ token, username: 'owner', password: PASSWORD });
    expect(ok.status).toBe(201);
    const me = await req(app, '/api/users', { method: 'POST', headers: { cookie: cookieOf(ok) } });
    expect(me.status).toBe(200);
    expect((await post({ token, username: 'intruder', password: PASSWORD })).status).toBe(409);
    expect(auth.setupToken()).toBeUndefined();
    const a = audit();
    expect(a.find((e) => e.event === 'RECORD_CHANGED')).toMatchObject({ actor: 'service:setup' });
    expect(a.find((e) => e.event === 'LOGIN_FAILED')?.detail).toContain('bad_token');
  });

  it('no setup token when a user exists', async () => {
    await addUser('alice');
    const auth = createAuth({ store, clock, logger: silentLogger() });
    expect(auth.setupToken()).toBeUndefined();
    expect(await (await req(makeApp(auth), '/api/setup')).json()).toEqual({ required: false });
  });
});

describe('API tokens', () => {
  it('accepts a configured bearer token and names the client without revealing it', async () => {
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    const res = await req(app, '/api/encounters', {
      method: 'POST',
      headers: { authorization: 'Bearer second-token-abcdefghij' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { client: string };
    expect(body.client).toMatch(/^token:[0-9a-f]{8}$/);
    expect(body.client).not.toContain('second');
  });

  it('refuses a missing, wrong or prefix token with 401 and WWW-Authenticate', async () => {
    const app = makeApp(createAuth({ store, clock, logger: silentLogger() }));
    for (const authorization of [undefined, 'Bearer nope', 'Bearer a-webhook-token-012345678', 'Basic abc']) {
      const res = await req(app, '/api/encounters', {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('with no tokens configured every request is refused', async () => {
    const auth = createAuth({ store, clock, logger: silentLogger() });
    const app = new Hono<AuthEnv>();
    app.get('/x', auth.requireToken([]), (c) => c.text('ok'));
    expect((await app.request('/x', { headers: { authorization: 'Bearer anything' } })).status).toBe(401);
  });
});

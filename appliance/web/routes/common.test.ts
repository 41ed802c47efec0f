import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { permanent } from '../../domain/errors.js';
import { actorOf, jsonErrors, storeCall } from './common.js';

function sub() {
  const app = new Hono();
  app.onError(jsonErrors);
  app.get('/teapot', () => {
    throw new HTTPException(418, { message: 'short and stout' });
  });
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.get('/missing', () =>
    storeCall(() => {
      throw permanent('THING_NOT_FOUND', 'no such thing');
    }),
  );
  app.get('/conflict', () =>
    storeCall(() => {
      throw permanent('THING_CONFLICT', 'not now');
    }),
  );
  app.get('/who', (c) => c.text(actorOf(c)));
  return app;
}

describe('route helpers', () => {
  it('answer HTTP errors as JSON alone and mounted, and leave other errors to the parent onError', async () => {
    const parent = new Hono();
    parent.onError((err, c) => c.json({ parent: err.message }, 500));
    parent.route('/api', sub());
    const t = await parent.request('/api/teapot');
    expect(t.status).toBe(418);
    expect(await t.json()).toEqual({ error: 'short and stout' });
    const b = await parent.request('/api/boom');
    expect(b.status).toBe(500);
    expect(await b.json()).toEqual({ parent: 'kaboom' });
    expect((await sub().request('/teapot')).status).toBe(418);
  });

  it('map store refusals by code: NOT_FOUND 404, CONFLICT 409', async () => {
    expect((await sub().request('/missing')).status).toBe(404);
    expect((await sub().request('/conflict')).status).toBe(409);
  });

  it('name the actor from the signed-in user, else the local operator', async () => {
    expect(await (await sub().request('/who')).text()).toBe('user:local');
    const outer = new Hono();
    outer.use('*', async (c, next) => {
      c.set('user' as never, { username: 'alice' } as never);
      await next();
    });
    outer.route('/', sub());
    expect(await (await outer.request('/who')).text()).toBe('user:alice');
  });
});

// The admin page in a real Chromium against the real service, started as a user starts it
// (`claimbox serve --demo-feed`): first-run setup with the logged token, the demo feed's encounters
// and claims reaching accepted/paid, no patient surname on the page, hold and release, sign out,
// sign in. Debian's /usr/bin/chromium only (REFERENCE.md "Real peers in tests"), never a download.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDft } from '../../ops/demo-feed.js';

const CHROMIUM = '/usr/bin/chromium';
const repo = resolve(import.meta.dirname, '../..');
const haveChromium = existsSync(CHROMIUM);
// Skipped only on a developer box without the browser; CI installs it and must run this.
const skip = !haveChromium && !process.env.CI;
if (skip)
  console.warn(
    `e2e admin page SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium to run it)`,
  );

const ADMIN = 'e2e-admin';
const PASSWORD = 'plum-orchard-ledger-42';
/** How long the demo feed may take to get a claim accepted by the sandbox before we give up. */
const CLAIMS_SETTLE_MS = 30_000;

/** Free TCP ports: bind several on port 0 at once (so they differ), then release them. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((res, rej) => {
          const s = createServer();
          s.once('error', rej);
          s.listen(0, '127.0.0.1', () => res(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
  return ports;
}

/**
 * Every surname the demo feed can send (PID-5.1), read from the feed itself rather than copied. The
 * feed numbers messages from the clock, so sample indices far apart: neighbours share few names.
 */
function demoSurnames(): string[] {
  const names = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const pid = demoDft(i * 7919)
      .text.split('\r')
      .find((s) => s.startsWith('PID|'));
    const surname = pid?.split('|')[5]?.split('^')[0];
    if (surname) names.add(surname);
  }
  return [...names];
}

interface Service {
  child: ChildProcess;
  base: string;
  setupToken: Promise<string>;
  exited: Promise<number | null>;
  logs: string[];
}

function startService(dir: string, ports: { http: number; mllp: number; sandbox: number }): Service {
  const configFile = join(dir, 'claimbox.toml');
  writeFileSync(configFile, '# e2e: embedded defaults, ports and data dir from the environment\n');
  const env: NodeJS.ProcessEnv = {};
  // Nothing from the developer's own CLAIMBOX_* settings leaks in.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAIMBOX')) env[k] = v;
  Object.assign(env, {
    CLAIMBOX_CONFIG: configFile,
    CLAIMBOX_DATA_DIR: join(dir, 'data'),
    CLAIMBOX__server__port: String(ports.http),
    CLAIMBOX__intake__mllp__port: String(ports.mllp),
    CLAIMBOX__sandbox__port: String(ports.sandbox),
  });
  const child = spawn(join(repo, 'scripts/claimbox'), ['serve', '--demo-feed'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const setupToken = new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      let msg: unknown;
      try {
        msg = (JSON.parse(line) as { msg?: unknown }).msg;
      } catch {
        return;
      }
      if (typeof msg !== 'string') return;
      const m = /^first run: .*setup token (\S+)/.exec(msg);
      if (m?.[1]) res(m[1]);
    });
    void exited.then((code) =>
      rej(new Error(`claimbox serve exited (${code}) before logging a setup token`)),
    );
  });
  createInterface({ input: child.stderr }).on('line', (line) => logs.push(`stderr: ${line}`));
  // Awaited by the first test; a start that fails earlier is reported by waitForHealth instead.
  setupToken.catch(() => undefined);
  return { child, base: `http://127.0.0.1:${ports.http}`, setupToken, exited, logs };
}

async function waitForHealth(svc: Service): Promise<void> {
  let dead = false;
  void svc.exited.then(() => (dead = true));
  for (let i = 0; i < 200 && !dead; i++) {
    const ok = await fetch(`${svc.base}/health`).then(
      // Any answer will do (a busy CI box may report degraded or even critical): it is serving.
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`claimbox serve never answered /health:\n${svc.logs.slice(-20).join('\n')}`);
}

async function stopService(svc: Service | undefined): Promise<void> {
  if (!svc || svc.child.exitCode !== null || svc.child.signalCode !== null) return;
  svc.child.kill('SIGTERM');
  const done = await Promise.race([
    svc.exited.then(() => true),
    new Promise((r) => setTimeout(r, 10_000, false)),
  ]);
  if (!done) {
    svc.child.kill('SIGKILL');
    await svc.exited;
  }
}

/** Claim status pills on the page, reloading until one shows the sandbox's answer or time runs out. */
async function reloadUntilClaimsAnswered(page: Page): Promise<string[]> {
  const answered = new Set(['accepted', 'paid', 'partially_paid', 'denied']);
  const giveUpAt = Date.now() + CLAIMS_SETTLE_MS;
  let statuses: string[] = [];
  for (;;) {
    statuses = await page.locator('#claims td .pill').allTextContents();
    if (statuses.some((s) => answered.has(s.trim())) || Date.now() > giveUpAt) return statuses;
    await new Promise((r) => setTimeout(r, 1000));
    await page.reload();
  }
}

describe.skipIf(skip)('admin page in Chromium, a new practice from first run to sign-in', () => {
  let dir = '';
  let svc: Service | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  // Kept when CLAIMBOX_E2E_SCREENSHOTS names a folder (to look at the page); else a temp dir.
  let shots = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-e2e-'));
    shots = process.env.CLAIMBOX_E2E_SCREENSHOTS ?? join(dir, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const [http, mllp, sandbox] = await freePorts(3);
    svc = startService(dir, { http: http!, mllp: mllp!, sandbox: sandbox! });
    await waitForHealth(svc);
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await stopService(svc);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('first run shows the setup form and creates the first admin with the logged token', async () => {
    const token = await svc!.setupToken;
    await page.goto(svc!.base);
    await expect.poll(() => page.locator('h2').first().textContent()).toMatch(/First run/);
    await page.screenshot({ path: join(shots, '1-first-run.png'), fullPage: true });
    await page.fill('#setup input[name=token]', token);
    await page.fill('#setup input[name=username]', ADMIN);
    await page.fill('#setup input[name=password]', PASSWORD);
    await page.click('#setup button[type=submit]');
    await page.waitForSelector('#user');
    expect(await page.locator('#user').textContent()).toContain(`signed in as ${ADMIN}`);
  });

  it('dashboard shows the demo feed encounters and claims answered by the sandbox, with no surnames', async () => {
    const statuses = await reloadUntilClaimsAnswered(page);
    expect(statuses.map((s) => s.trim())).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(accepted|paid|partially_paid|denied)$/)]),
    );
    expect(await page.locator('#encounters tr:has(td)').count()).toBeGreaterThan(0);
    expect(await page.locator('#claims tr:has(td)').count()).toBeGreaterThan(0);

    // PHI stays out of lists: initials and MRN last 4 only. Check the markup, not just visible text.
    const htmlText = await page.content();
    const surnames = demoSurnames();
    expect(surnames.length).toBeGreaterThan(3);
    expect(surnames.filter((s) => htmlText.includes(s))).toEqual([]);
    expect(htmlText).not.toMatch(/DEMO\d{7}/); // a whole demo MRN
    await page.screenshot({ path: join(shots, '2-dashboard.png'), fullPage: true });
    // A phone-width view, for a person to look at: the header wraps rather than overflowing.
    await page.setViewportSize({ width: 420, height: 900 });
    await page.screenshot({ path: join(shots, '2-dashboard-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('hold submissions shows the hold, and release returns to submitting', async () => {
    await page.click('#toggle-hold');
    await page.waitForSelector('#toggle-hold:has-text("Release hold")');
    expect(await page.locator('#hold').textContent()).toMatch(/held.*operator/);
    expect(await page.locator('#hold-banner').textContent()).toMatch(/held \(operator\)/);
    await page.screenshot({ path: join(shots, '3-held.png'), fullPage: true });
    await page.click('#toggle-hold');
    await page.waitForSelector('#toggle-hold:has-text("Hold submissions")');
    expect(await page.locator('#hold').textContent()).toMatch(/submitting/);
    expect(await page.locator('#hold-banner').count()).toBe(0);
  });

  it('sign out shows the sign-in form, and the password signs in again', async () => {
    await page.click('#logout');
    await page.waitForSelector('#login');
    expect(await page.locator('#user').count()).toBe(0);
    await page.screenshot({ path: join(shots, '4-sign-in.png'), fullPage: true });
    await page.fill('#login input[name=username]', ADMIN);
    await page.fill('#login input[name=password]', 'not-the-password-at-all');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#error:has-text("Wrong username or password")');
    await page.fill('#login input[name=username]', ADMIN);
    await page.fill('#login input[name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#user');
    expect(await page.locator('#user').textContent()).toContain(`signed in as ${ADMIN}`);
  });
});

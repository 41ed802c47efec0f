import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../appliance/log.js';
import { openStore } from '../appliance/store/open.js';
import { listOpenAlerts, listRecentAlerts } from '../appliance/store/alerts.js';
import { defaultConfig } from '../appliance/config.js';
import {
  createAlerter,
  sinksFromConfig,
  smtpSink,
  storeSink,
  syslogSink,
  webhookSink,
  type AlertNotice,
  type AlertSink,
} from './alerts.js';

function memorySink(): AlertSink & { got: AlertNotice[] } {
  const got: AlertNotice[] = [];
  return {
    name: 'memory',
    got,
    send: (n) => {
      got.push(n);
      return Promise.resolve();
    },
  };
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('createAlerter', () => {
  it('alerter, sends one start and one clear, when a condition holds across many polls', async () => {
    let now = 0;
    const sink = memorySink();
    const a = createAlerter({
      holdSeconds: 30,
      sinks: [sink],
      logger: silentLogger(),
      clock: { now: () => now },
    });
    closers.push(() => a.stop());
    for (let t = 0; t <= 60; t += 5) {
      now = t * 1000;
      a.set({ key: 'ups.on_battery', active: true, severity: 'critical', message: 'on battery' });
    }
    a.set({ key: 'ups.on_battery', active: false, severity: 'critical', message: 'back on mains' });
    a.set({ key: 'ups.on_battery', active: false, severity: 'critical', message: 'back on mains' });
    await a.flush();
    expect(sink.got.map((n) => n.state)).toEqual(['started', 'cleared']);
    expect(sink.got[0]).toMatchObject({ key: 'ups.on_battery', since: 0, at: 30_000 });
    expect(sink.got[1]!.message).toBe('back on mains');
  });

  it('alerter, stays quiet, when a condition clears before its hold time', async () => {
    let now = 0;
    const sink = memorySink();
    const a = createAlerter({
      holdSeconds: 30,
      sinks: [sink],
      logger: silentLogger(),
      clock: { now: () => now },
    });
    closers.push(() => a.stop());
    a.set({ key: 'switch.port.down', active: true, severity: 'critical', message: 'down' });
    now = 29_000;
    a.tick();
    a.set({ key: 'switch.port.down', active: false, severity: 'critical', message: 'up' });
    await a.flush();
    expect(sink.got).toEqual([]);
  });

  it('alerter, fires on tick, when the hold time passes without another poll', async () => {
    let now = 0;
    const sink = memorySink();
    const a = createAlerter({
      holdSeconds: 10,
      sinks: [sink],
      logger: silentLogger(),
      clock: { now: () => now },
    });
    closers.push(() => a.stop());
    a.set({ key: 'k', active: true, severity: 'warning', message: 'm' });
    expect(a.active()).toEqual([{ key: 'k', severity: 'warning', message: 'm', since: 0, alerted: false }]);
    now = 10_000;
    a.tick();
    await a.flush();
    expect(sink.got.map((n) => n.state)).toEqual(['started']);
  });

  it('alerter, sends only the clear, for an episode resumed from before a restart', async () => {
    const sink = memorySink();
    const a = createAlerter({
      holdSeconds: 0,
      sinks: [sink],
      logger: silentLogger(),
      resume: [{ key: 'ups.on_battery', severity: 'critical', message: 'on battery', startedAt: 5 }],
    });
    a.set({ key: 'ups.on_battery', active: true, severity: 'critical', message: 'on battery' });
    a.set({ key: 'ups.on_battery', active: false, severity: 'critical', message: 'back' });
    await a.flush();
    expect(sink.got.map((n) => [n.state, n.since])).toEqual([['cleared', 5]]);
  });

  it('alerter, keeps the other sinks going, when one sink fails', async () => {
    const sink = memorySink();
    const broken: AlertSink = { name: 'broken', send: () => Promise.reject(new Error('down')) };
    const a = createAlerter({ holdSeconds: 0, sinks: [broken, sink], logger: silentLogger() });
    a.event({ key: 'trap.cold_start', severity: 'warning', message: 'switch restarted' });
    await a.flush();
    expect(sink.got.map((n) => n.state)).toEqual(['event']);
  });
});

describe('alert sinks', () => {
  it('webhookSink, posts the notice as JSON, to a local HTTP server', async () => {
    const bodies: unknown[] = [];
    const server: HttpServer = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push({ method: req.method, type: req.headers['content-type'], json: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await webhookSink(url).send({
      key: 'ups.on_battery',
      state: 'started',
      severity: 'critical',
      message: 'UPS ups1 on battery',
      at: Date.UTC(2026, 0, 2, 3, 4, 5),
      since: Date.UTC(2026, 0, 2, 3, 3, 35),
      host: 'box1',
    });
    expect(bodies).toEqual([
      {
        method: 'POST',
        type: 'application/json',
        json: expect.objectContaining({
          source: 'claimbox',
          key: 'ups.on_battery',
          state: 'started',
          severity: 'critical',
          host: 'box1',
          at: '2026-01-02T03:04:05.000Z',
        }),
      },
    ]);
  });

  it('webhookSink, rejects, when the server answers 500', async () => {
    const server = createHttpServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await expect(
      webhookSink(url).send({
        key: 'k',
        state: 'event',
        severity: 'warning',
        message: 'm',
        at: 0,
        host: 'h',
      }),
    ).rejects.toThrow('HTTP 500');
  });

  it('smtpSink, delivers a mail, to a tiny local SMTP listener', async () => {
    const { server, mails } = await tinySmtp();
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const cfg = defaultConfig().alerts.smtp;
    const sink = smtpSink({
      ...cfg,
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      from: 'claimbox@example.test',
      to: ['msp@example.test', 'oncall@example.test'],
    });
    await sink.send({
      key: 'snmp.ups1.unreachable',
      state: 'started',
      severity: 'critical',
      message: 'ups ups1 not answering SNMP for 16 s',
      at: 0,
      since: 0,
      host: 'box1',
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toBe('<claimbox@example.test>');
    expect(mails[0]!.to).toEqual(['<msp@example.test>', '<oncall@example.test>']);
    expect(mails[0]!.data).toContain('Subject: [claimbox box1] ALERT CRITICAL: ups ups1 not answering SNMP');
    expect(mails[0]!.data).toContain('condition: snmp.ups1.unreachable');
  });

  it('syslogSink, runs logger without error, on this host', async () => {
    await expect(
      syslogSink().send({
        key: 'test',
        state: 'event',
        severity: 'warning',
        message: 'claimbox test',
        at: 0,
        host: 'h',
      }),
    ).resolves.toBeUndefined();
  });

  it('storeSink, opens and closes a row, across start and clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-alerts-'));
    const store = openStore(join(dir, 'db.sqlite'));
    closers.push(() => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const a = createAlerter({ holdSeconds: 0, sinks: [storeSink(store)], logger: silentLogger() });
    a.set({ key: 'power.on_battery', active: true, severity: 'critical', message: 'on battery' });
    await a.flush();
    expect(listOpenAlerts(store).map((r) => r.key)).toEqual(['power.on_battery']);
    a.set({ key: 'power.on_battery', active: false, severity: 'critical', message: 'back' });
    await a.flush();
    expect(listOpenAlerts(store)).toEqual([]);
    expect(listRecentAlerts(store)[0]).toMatchObject({ key: 'power.on_battery', severity: 'critical' });
    expect(listRecentAlerts(store)[0]!.clearedAt).not.toBeNull();
  });

  it('sinksFromConfig, builds only the configured sinks, from alerts config', () => {
    const c = defaultConfig().alerts;
    expect(sinksFromConfig(c).map((s) => s.name)).toEqual(['syslog']);
    expect(
      sinksFromConfig({
        ...c,
        webhook_url: 'http://127.0.0.1:9/x',
        syslog: false,
        smtp: { ...c.smtp, host: 'mail.example.test', to: ['a@example.test'] },
      }).map((s) => s.name),
    ).toEqual(['webhook', 'smtp']);
  });
});

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** Just enough SMTP (RFC 5321) for one client: EHLO, MAIL, RCPT, DATA, QUIT; no STARTTLS, no AUTH. */
async function tinySmtp(): Promise<{ server: TcpServer; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = createTcpServer((sock) => {
    let buf = '';
    let inData = false;
    let mail: Mail = { from: '', to: [], data: '' };
    sock.write('220 tiny.example.test ESMTP\r\n');
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          mails.push(mail);
          mail = { from: '', to: [], data: '' };
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250-tiny.example.test\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') {
          mail.from = line
            .slice(line.indexOf(':') + 1)
            .trim()
            .split(' ')[0]!;
          sock.write('250 OK\r\n');
        } else if (verb === 'RCPT') {
          mail.to.push(line.slice(line.indexOf(':') + 1).trim());
          sock.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          sock.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
          return;
        } else if (verb === 'RSET' || verb === 'NOOP') sock.write('250 OK\r\n');
        else sock.write('502 not implemented\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, mails };
}

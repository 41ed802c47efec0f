import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatCheck, perfData, runCheck } from './check.js';

const healthy = {
  status: 'ok',
  checks: [
    { name: 'disk', status: 'ok', value: 42.5, unit: '%', message: '42.5% free' },
    { name: 'clock', status: 'ok', value: 3, unit: 'ms', message: 'offset 3 ms' },
    { name: 'ups.ups1.runtime', status: 'ok', value: 40, unit: 'min', message: '40 min' },
    { name: 'database', status: 'ok', value: 'open', message: 'open' },
  ],
};

describe('formatCheck', () => {
  it('formatCheck, prints OK with perfdata and exits 0, when every check is ok', () => {
    expect(formatCheck(healthy, 'nagios')).toEqual({
      text: "CLAIMBOX OK - 4 checks ok | 'disk'=42.5%;;;0;100 'clock'=0.003s 'ups.ups1.runtime'=2400s",
      code: 0,
    });
  });

  it('formatCheck, names the failing checks worst first and exits 2, when one is critical', () => {
    const out = formatCheck(
      {
        status: 'critical',
        checks: [
          { name: 'clock', status: 'degraded', value: 'unknown', message: 'clock sync unknown' },
          {
            name: 'ups.ups1.power',
            status: 'critical',
            value: 'battery',
            message: 'UPS ups1 on battery for 40 s',
          },
          { name: 'disk', status: 'ok', value: 50, unit: '%', message: 'fine' },
        ],
      },
      'nagios',
    );
    expect(out.code).toBe(2);
    expect(out.text).toBe(
      "CLAIMBOX CRITICAL - ups.ups1.power: UPS ups1 on battery for 40 s; clock: clock sync unknown (1/3 ok) | 'disk'=50%;;;0;100",
    );
  });

  it('formatCheck, exits 1, when the service is degraded', () => {
    expect(formatCheck({ status: 'degraded', checks: [] }, 'nagios').code).toBe(1);
  });

  it('formatCheck, wraps the line in Datto markers, when the format is datto', () => {
    expect(formatCheck(healthy, 'datto').text.split('\n')).toEqual([
      '<-Start Result->',
      expect.stringMatching(/^CLAIMBOX OK - 4 checks ok \| /),
      '<-End Result->',
    ]);
  });

  it('formatCheck, is UNKNOWN 3, when the body is not a health report', () => {
    expect(formatCheck({ hello: 1 }, 'nagios')).toMatchObject({ code: 3 });
    expect(formatCheck(null, 'nagios').text).toMatch(/^CLAIMBOX UNKNOWN - /);
  });

  it('perfData, quotes labels, when a name holds a quote', () => {
    expect(perfData([{ name: "it's", status: 'ok', value: 1 }])).toEqual(["'it''s'=1"]);
  });
});

describe('runCheck', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  }

  it('runCheck, reads a 503 critical report, from a live server', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'critical',
          checks: [{ name: 'database', status: 'critical', message: 'closed' }],
        }),
      );
    });
    const out = await runCheck(url, 2000, 'nagios');
    expect(out).toEqual({ text: 'CLAIMBOX CRITICAL - database: closed (0/1 ok)', code: 2 });
  });

  it('runCheck, is UNKNOWN, when the server never answers', async () => {
    const url = await serve(() => undefined);
    const out = await runCheck(url, 200, 'nagios');
    expect(out.code).toBe(3);
    expect(out.text).toContain('no answer within 0.2 s');
    server?.closeAllConnections();
  });

  it('runCheck, is UNKNOWN, when nothing listens', async () => {
    const url = await serve(() => undefined);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const out = await runCheck(url, 1000, 'nagios');
    expect(out.code).toBe(3);
    expect(out.text).toMatch(
      /^CLAIMBOX UNKNOWN - cannot read http:\/\/127\.0\.0\.1:\d+\/health: connect ECONNREFUSED/,
    );
  });
});

describe('claimbox check (the verb, as an RMM runs it)', () => {
  const cli = fileURLToPath(new URL('../../scripts/claimbox', import.meta.url));
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(cli, ['check', ...args], { timeout: 10_000 }, (err, stdout) =>
        resolve({ code: err ? Number(err.code ?? -1) : 0, stdout }),
      );
    });

  it('claimbox check, prints one WARNING line and exits 1, when /health is degraded', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'degraded',
          checks: [{ name: 'clock', status: 'degraded', message: 'clock sync unknown' }],
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
      expect(await run(['--url', url])).toEqual({
        code: 1,
        stdout: 'CLAIMBOX WARNING - clock: clock sync unknown (0/1 ok)\n',
      });
      expect((await run(['--url', url, '--format', 'datto'])).stdout.split('\n')[0]).toBe('<-Start Result->');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('claimbox check, exits 3 UNKNOWN, when nothing answers', async () => {
    const out = await run(['--url', 'http://127.0.0.1:9/health']);
    expect(out.code).toBe(3);
    expect(out.stdout).toMatch(/^CLAIMBOX UNKNOWN - /);
  });

  it('claimbox check, exits 64, on a bad --format', async () => {
    expect((await run(['--format', 'xml'])).code).toBe(64);
  });
});

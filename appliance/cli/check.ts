// `claimbox check`: the RMM script monitor. Reads the running service's /health and prints ONE
// status line with Nagios performance data; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios
// plugin API). --format datto wraps it in <-Start Result-> … <-End Result-> (Datto RMM component
// monitors). Finishes well inside the 3 s RMM budget: one loopback request with a hard timeout.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UsageError, parseVerbArgs, loadConfigOrExit, type Verb } from './verb.js';

export type CheckFormat = 'nagios' | 'datto';

export const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
type NagiosState = keyof typeof NAGIOS;

interface HealthCheck {
  name: string;
  status: string;
  value?: unknown;
  unit?: string;
  message?: string;
}

/** N-able caps script output at 10,000 characters; stay far below. */
const MAX_LINE = 4000;

function stateOf(status: unknown): NagiosState | undefined {
  switch (status) {
    case 'ok':
    case 'pass':
      return 'OK';
    case 'degraded':
    case 'warn':
      return 'WARNING';
    case 'critical':
    case 'fail':
      return 'CRITICAL';
    default:
      return undefined;
  }
}

/** Nagios perfdata label quoting: single quotes doubled. */
const label = (s: string) => `'${s.replace(/'/g, "''").replace(/=/g, '_')}'`;

/** One perfdata entry per numeric check, in Nagios units (s, %, B, c or none). */
export function perfData(checks: readonly HealthCheck[]): string[] {
  const out: string[] = [];
  for (const c of checks) {
    if (typeof c.value !== 'number' || !Number.isFinite(c.value)) continue;
    let v = c.value;
    let uom = '';
    switch (c.unit ?? '') {
      case '%':
        uom = '%';
        break;
      case 's':
        uom = 's';
        break;
      case 'ms':
        v = v / 1000;
        uom = 's';
        break;
      case 'min':
        v = v * 60;
        uom = 's';
        break;
      case 'B':
        uom = 'B';
        break;
      default:
        uom = '';
    }
    const rounded = Math.round(v * 1000) / 1000;
    out.push(uom === '%' ? `${label(c.name)}=${rounded}%;;;0;100` : `${label(c.name)}=${rounded}${uom}`);
  }
  return out;
}

export interface CheckOutput {
  text: string;
  code: number;
}

function wrap(line: string, format: CheckFormat): string {
  return format === 'datto' ? `<-Start Result->\n${line}\n<-End Result->` : line;
}

export function unknownResult(reason: string, format: CheckFormat): CheckOutput {
  return {
    text: wrap(`CLAIMBOX UNKNOWN - ${reason.replace(/[\r\n|]+/g, ' ')}`, format),
    code: NAGIOS.UNKNOWN,
  };
}

/** The /health JSON → one status line and exit code (pure). */
export function formatCheck(body: unknown, format: CheckFormat): CheckOutput {
  if (typeof body !== 'object' || body === null) return unknownResult('health answer is not JSON', format);
  const b = body as { status?: unknown; checks?: unknown };
  const state = stateOf(b.status);
  if (!state) return unknownResult(`health status '${String(b.status)}' not understood`, format);
  const checks: HealthCheck[] = Array.isArray(b.checks)
    ? (b.checks as unknown[]).filter(
        (c): c is HealthCheck =>
          typeof c === 'object' && c !== null && typeof (c as HealthCheck).name === 'string',
      )
    : [];
  const bad = checks.filter((c) => c.status !== 'ok' && c.status !== 'pass');
  // Worst first so the line an RMM truncates still names the real problem.
  bad.sort((a, z) => (z.status === 'critical' ? 1 : 0) - (a.status === 'critical' ? 1 : 0));
  const summary =
    bad.length === 0
      ? `${checks.length} checks ok`
      : bad.map((c) => `${c.name}: ${(c.message ?? c.status).replace(/[\r\n|]+/g, ' ')}`).join('; ') +
        ` (${checks.length - bad.length}/${checks.length} ok)`;
  let line = `CLAIMBOX ${state} - ${summary}`;
  const perf = perfData(checks).join(' ');
  if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE - 3) + '...';
  if (perf) line += ` | ${perf.length > MAX_LINE ? perf.slice(0, perf.lastIndexOf(' ', MAX_LINE)) : perf}`;
  return { text: wrap(line, format), code: NAGIOS[state] };
}

/** GET url with a hard deadline; resolves with status and parsed JSON (or rejects). */
export function fetchHealth(url: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      // The appliance's own TLS certificate is often self-signed; on loopback it is still us.
      { method: 'GET', headers: { accept: 'application/json' }, rejectUnauthorized: !loopback },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch {
            reject(new Error(`HTTP ${res.statusCode ?? 0}, body is not JSON`));
          }
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer within ${(timeoutMs / 1000).toFixed(1)} s`)),
    );
    req.on('error', reject);
    req.end();
  });
}

export async function runCheck(url: string, timeoutMs: number, format: CheckFormat): Promise<CheckOutput> {
  try {
    const { body } = await fetchHealth(url, timeoutMs);
    return formatCheck(body, format);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return unknownResult(`cannot read ${url}: ${msg}`, format);
  }
}

const help = `usage: claimbox check [--url URL] [--timeout S] [--format nagios|datto] [--config FILE]

RMM health check: reads the running service's /health and prints one status line
  CLAIMBOX OK|WARNING|CRITICAL|UNKNOWN - <summary> | 'label'=value[UOM];warn;crit;min;max ...
and exits 0 OK, 1 WARNING (degraded), 2 CRITICAL, 3 UNKNOWN (service unreachable).

options:
  --url URL        health URL (default http://127.0.0.1:<server.port>/health from the config)
  --timeout S      total seconds the check may take, startup included (default 2.4;
                   RMM monitors allow < 3 s)
  --format F       nagios (default; NinjaOne, N-able, Nagios/Naemon) or datto (adds the
                   <-Start Result-> / <-End Result-> markers Datto RMM monitors read)
  --config FILE    config to read server.host/port from

examples:
  claimbox check
  claimbox check --format datto --timeout 2.5
`;

const verb: Verb = {
  name: 'check',
  summary: 'RMM health check (Nagios exit codes, one status line)',
  help,
  async run(argv) {
    const { values } = parseVerbArgs(
      argv,
      { url: { type: 'string' }, timeout: { type: 'string' }, format: { type: 'string' } },
      false,
    );
    const format = (values.format ?? 'nagios') as CheckFormat;
    if (format !== 'nagios' && format !== 'datto') throw new UsageError(`--format must be nagios or datto`);
    const timeoutS = values.timeout === undefined ? 2.4 : Number(values.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0)
      throw new UsageError('--timeout must be a positive number');
    let url = values.url;
    if (!url) {
      const { config } = loadConfigOrExit(values.config);
      const host =
        config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
      const scheme = config.server.tls_cert ? 'https' : 'http';
      url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${config.server.port}/health`;
    }
    // The budget counts from process start: node + tsx startup already spent part of it.
    const remainingMs = Math.max(250, timeoutS * 1000 - process.uptime() * 1000);
    const out = await runCheck(url, remainingMs, format);
    process.stdout.write(out.text + '\n');
    return out.code;
  },
};

export default verb;

// `claimbox bench`: the figures we compete on, measured (never asserted in tests). Every area adds
// its rows; ratios against the npm libraries a user might pick instead are measured in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, setDataDir, type Config } from '../config.js';
import { silentLogger } from '../log.js';
import { startAppliance } from '../main.js';
import { openStore } from '../store/open.js';
import { startWalCheckpointer } from '../store/wal-checkpointer.js';
import { commitInbound } from '../store/intake.js';
import { createIntakeSink } from '../pipeline/intake.js';
import { systemClock } from '../ports.js';
import {
  batchWriter,
  claimCheckFor,
  profileOf,
  startEmbeddedSandbox,
  transportFor,
  x12Readers,
} from '../wiring.js';
import { runDemo } from './demo.js';
import { toEnvelope } from '../../integrations/hl7/map.js';
import { demoDft } from '../../ops/demo-feed.js';
import { benchHl7 } from '../../integrations/hl7/bench.js';
import { benchX12 } from '../../integrations/x12/bench.js';
import { benchClearinghouse } from '../../integrations/clearinghouse/bench.js';
import { benchCoding } from '../coding/bench.js';
import { benchScrub } from '../pipeline/scrub-rules/bench.js';
import { benchAudit } from '../audit/bench.js';
import { benchOps } from '../../ops/bench.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The install root: three levels up from the sources, four from the compiled dist/ copy. */
function installRoot(): string {
  const root = join(fileURLToPath(import.meta.url), '../../..');
  return basename(root) === 'dist' ? dirname(root) : root;
}

/**
 * `claimbox sandbox` in its own process, as a real clearinghouse is another machine: in the
 * appliance's process its 999/277CA/835 generation would take CPU the pipeline never pays in use.
 */
async function startSandboxProcess(
  eraDelaySeconds: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    join(installRoot(), 'scripts/claimbox'),
    ['sandbox', '--port', String(port), '--era-delay', String(eraDelaySeconds), '--memory'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CLAIMBOX_CONFIG: '' } },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`claimbox sandbox exited (${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** runDemo against a sandbox clearinghouse in its own process, on a fresh data dir. */
async function demoRun(base: Config, n: number, eraDelaySeconds: number, until: 'posted' | 'sent') {
  const dataDir = mkdtempSync(join(tmpdir(), 'claimbox-bench-'));
  const sandbox = await startSandboxProcess(eraDelaySeconds);
  try {
    const r = await runDemo(base, {
      encounters: n,
      dataDir,
      timeoutMs: 600_000,
      sandboxUrl: sandbox.url,
      until,
    });
    const store = openStore(join(dataDir, 'claimbox.db'));
    const lastSubmitted = store.sqlite
      .prepare('SELECT max(submitted_at) FROM claims')
      .pluck()
      .get() as number;
    store.close();
    return { ...r, lastSubmitted };
  } finally {
    await sandbox.close();
  }
}

/**
 * Durable end to end, group-committed, two runs per size:
 *  - HL7 in → 837 out: from the first HL7 message reaching intake (appliance started) to the last
 *    837 uploaded, 999/277CA read as they come; the sandbox holds 835s for an hour, as payers send
 *    them days later, so posting them is not counted against the 837 path;
 *  - the whole loop, 835s at once and posted (plus each stage's lag).
 */
async function pipelineRows(base: Config, sizes: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // One unreported warm-up, as the other areas do: the service runs for months, so the figures are
  // for compiled code, not the first second after start (that one is the serve rows' business).
  await demoRun(base, 300, 3600, 'sent');
  for (const n of sizes) {
    const sent = await demoRun(base, n, 3600, 'sent');
    const toX12 = (sent.lastSubmitted - sent.startedAt) / 1000;
    rows.push({
      name: `pipeline ${n}: HL7 in → 837 out (durable)`,
      value: Math.round(n / toX12),
      unit: 'encounters/s',
      note: `all ${n} submitted after ${toX12.toFixed(2)} s, synchronous=FULL, 999/277CA read meanwhile, sandbox clearinghouse in its own process`,
    });
    const r = await demoRun(base, n, 0, 'posted');
    rows.push({
      name: `pipeline ${n}: whole loop to posted 835`,
      value: Math.round(n / (r.elapsedMs / 1000)),
      unit: 'encounters/s',
      note: `${(r.elapsedMs / 1000).toFixed(2)} s (837s out after ${((r.lastSubmitted - r.startedAt) / 1000).toFixed(2)} s); peak RSS ${Math.round(r.peakRssBytes / 1048576)} MB`,
    });
    for (const l of r.lags.filter((x) => x.count > 0 && x.stage !== 'finalized → received'))
      rows.push({
        name: `pipeline ${n}: lag ${l.stage} p50/p95/p99`,
        value: l.p50Ms,
        unit: 'ms',
        note: `p95 ${l.p95Ms} ms, p99 ${l.p99Ms} ms (batch arriving at once)`,
      });
  }
  return rows;
}

/** Finalized → accepted with immediate submission, encounters arriving one at a time as in a clinic. */
async function latencyRows(base: Config, count: number, gapMs: number): Promise<BenchRow[]> {
  const config: Config = structuredClone(base);
  setDataDir(config, mkdtempSync(join(tmpdir(), 'claimbox-bench-lat-')));
  config.clearinghouse.transport = 'sandbox';
  config.clearinghouse.live = false;
  config.submission.mode = 'immediate';
  config.pipeline.idle_poll_ms = 20;
  config.sandbox.era_delay_seconds = 3600;
  const sandbox = (await startEmbeddedSandbox(config, 0))!;
  const app = await startAppliance(
    { config, logger: silentLogger(), listen: false },
    {
      writer: batchWriter(config),
      claimCheck: claimCheckFor(config),
      readers: x12Readers,
      transport: ({ cursors }) => transportFor(config, cursors, sandbox.url),
      auth: false,
    },
  );
  const profile = profileOf(config);
  try {
    for (let i = 0; i < count; i++) {
      const m = demoDft(900_000 + i);
      const r = toEnvelope(Buffer.from(m.text), 'mllp', profile);
      if (r.envelope) await app.sink.accept(r.envelope);
      await new Promise((res) => setTimeout(res, gapMs));
    }
    const deadline = Date.now() + 60_000;
    const pending = () =>
      app.store.sqlite
        .prepare("SELECT count(*) FROM claims WHERE status IN ('draft','ready','submitted')")
        .pluck()
        .get() as number;
    while (pending() > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    const lags = (
      app.store.sqlite
        .prepare(
          'SELECT c.accepted_at - e.received_at FROM claims c JOIN encounters e ON e.id = c.encounter_id WHERE c.accepted_at IS NOT NULL',
        )
        .pluck()
        .all() as number[]
    ).sort((a, b) => a - b);
    return [
      {
        name: 'finalized → accepted (999+277CA), immediate submission, p50',
        value: percentile(lags, 50),
        unit: 'ms',
        note: `${lags.length} encounters arriving every ${gapMs} ms; target p50 < 1 s`,
      },
      {
        name: 'finalized → accepted, p99',
        value: percentile(lags, 99),
        unit: 'ms',
        note: 'target p99 < 5 s',
      },
    ];
  } finally {
    await app.stop('bench');
    await sandbox.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Start `claimbox serve` as an MSP would; time to /health ready, idle RSS, and /health requests/s. */
async function serviceRows(seconds: number): Promise<BenchRow[]> {
  const port = await freePort();
  const mllp = await freePort();
  const sandboxPort = await freePort();
  const root = installRoot();
  const t0 = performance.now();
  const child = spawn(join(root, 'scripts/claimbox'), ['serve'], {
    env: {
      ...process.env,
      CLAIMBOX_DATA_DIR: mkdtempSync(join(tmpdir(), 'claimbox-bench-serve-')),
      CLAIMBOX__server__port: String(port),
      CLAIMBOX__intake__mllp__port: String(mllp),
      CLAIMBOX__sandbox__port: String(sandboxPort),
      CLAIMBOX__log__level: 'warn',
    },
    stdio: 'ignore',
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/health', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    let readyMs = NaN;
    for (let i = 0; i < 400; i++) {
      try {
        if ((await get()) > 0) {
          readyMs = performance.now() - t0;
          break;
        }
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    await new Promise((r) => setTimeout(r, 3000));
    const rssKb = Number(
      /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN,
    );
    const wrk = await wrkRate(`http://127.0.0.1:${port}/health`, seconds);
    let done = 0;
    if (wrk === undefined) {
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (performance.now() < until) {
            await get();
            done++;
          }
        }),
      );
    }
    return [
      {
        name: 'serve: start to /health answering',
        value: Math.round(readyMs),
        unit: 'ms',
        note: 'target < 2 s (scripts/claimbox: the compiled dist/ when current, else the sources through tsx)',
      },
      { name: 'serve: idle RSS', value: Math.round(rssKb / 1024), unit: 'MB', note: 'target < 150 MB' },
      wrk !== undefined
        ? {
            name: 'serve: GET /health',
            value: Math.round(wrk),
            unit: 'requests/s',
            note: 'wrk, 32 connections; target ≥ 10,000',
          }
        : {
            name: 'serve: GET /health',
            value: Math.round(done / seconds),
            unit: 'requests/s',
            note: 'Node client with 32 keep-alive connections (install Debian wrk for a lighter load generator); target ≥ 10,000',
          },
    ];
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
  }
}

/** Requests/s from Debian's wrk when it is installed (a C load generator costs the server far less CPU). */
function wrkRate(url: string, seconds: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawn('wrk', ['-t1', '-c32', `-d${seconds}s`, url], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
      resolve(code === 0 && m ? Number(m[1]) : undefined);
    });
  });
}

async function hl7Rows(): Promise<BenchRow[]> {
  return benchHl7({
    // The store as `claimbox serve` runs it: WAL checkpoints on their background thread.
    openSink: (path) => {
      const store = openStore(path);
      const wal = startWalCheckpointer(store);
      const sink = createIntakeSink((envs, now) => commitInbound(store, envs, now), systemClock);
      return {
        sink,
        close: async () => {
          await wal.stop();
          store.close();
        },
      };
    },
  });
}

const AREAS: Record<string, (c: Config, o: { sizes: number[]; quick: boolean }) => Promise<BenchRow[]>> = {
  pipeline: (c, o) => pipelineRows(c, o.sizes),
  latency: (c, o) => latencyRows(c, o.quick ? 30 : 100, 100),
  serve: (_c, o) => serviceRows(o.quick ? 2 : 5),
  hl7: () => hl7Rows(),
  x12: (_c, o) => benchX12(1000, o.quick ? 3 : 15),
  coding: () => benchCoding(),
  scrub: (_c, o) => benchScrub(o.quick ? 5000 : 20_000, o.quick ? 3 : 5),
  audit: (_c, o) => benchAudit({ verifyEntries: o.quick ? 200_000 : 1_000_000 }),
  clearinghouse: (_c, o) => benchClearinghouse({ rounds: o.quick ? 20 : 100 }),
  ops: (c) => benchOps({ config: c }),
};

function formatRows(rows: { area: string; row: BenchRow }[]): string {
  const w = Math.max(...rows.map((r) => r.row.name.length)) + 2;
  return rows
    .map(({ area, row }) => {
      const v = Number.isFinite(row.value)
        ? row.value.toLocaleString('en-US', { maximumFractionDigits: 1 })
        : 'n/a';
      return `${area.padEnd(14)} ${row.name.padEnd(w)} ${v.padStart(12)} ${row.unit}${row.note ? `  (${row.note})` : ''}`;
    })
    .join('\n');
}

/** One area in its own `claimbox bench --only AREA --json` process; its rows and peak RSS. */
function benchChild(
  area: string,
  o: { sizes: string; quick: boolean; config?: string },
): Promise<{ rows: BenchRow[]; peakRssMb: number }> {
  const args = ['bench', '--only', area, '--json', '--sizes', o.sizes];
  if (o.quick) args.push('--quick');
  if (o.config) args.push('--config', o.config);
  return new Promise((resolve, reject) => {
    const child = spawn(join(installRoot(), 'scripts/claimbox'), args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`bench child for '${area}' exited ${code}`);
        const doc = JSON.parse(stdout) as { rows: { area: string; row: BenchRow }[] };
        const rows = doc.rows
          .filter((r) => r.area === area)
          .map((r) => ({ ...r.row, value: r.row.value ?? NaN }));
        const peak = doc.rows.find((r) => r.area === 'process')?.row.value ?? 0;
        resolve({ rows, peakRssMb: peak });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

const verb: Verb = {
  name: 'bench',
  summary: 'measure throughput and latency of every stage (medians, and ratios to other npm libraries)',
  help: `usage: claimbox bench [--json] [--only AREA,...] [--sizes 100,1000,10000] [--quick] [--config FILE]

Measures, on this machine, with durable commits (synchronous=FULL) as in production:
  pipeline       HL7 in → 837 out and the whole loop to a posted 835, per size; stage lag percentiles; peak RSS
  latency        note finalized → claim accepted (999+277CA) with immediate submission, p50 and p99
  serve          claimbox serve: start to /health, idle RSS, GET /health requests/s
  hl7            parse+map rate beside hl7-standard and simple-hl7; MLLP messages/s with ACK after commit
  x12            837 MB/s written, tokenized, read and validated, beside node-x12
  coding         encounters coded per second
  scrub          claims scrubbed per second
  audit          audit appends/s inside pipeline transactions; verified entries/s
  clearinghouse  upload → 999+277CA round trip against the sandbox (p50/p99)
  ops            UPS poll round trip over SNMP (needs Debian snmpd; skipped otherwise)

  --only AREA,...   run only these areas
  --sizes N,...     pipeline sizes (default 100,1000,10000)
  --quick           fewer rounds (a smoke run)
  --json            one JSON document instead of the table`,
  async run(argv) {
    const { values } = parseVerbArgs(
      argv,
      {
        json: { type: 'boolean' },
        only: { type: 'string' },
        sizes: { type: 'string' },
        quick: { type: 'boolean' },
      },
      false,
    );
    const areas = values.only ? values.only.split(',') : Object.keys(AREAS);
    for (const a of areas)
      if (!AREAS[a]) throw new UsageError(`unknown area '${a}' (${Object.keys(AREAS).join(', ')})`);
    const sizes = (values.sizes ?? (values.quick ? '100,1000' : '100,1000,10000')).split(',').map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1))
      throw new UsageError('--sizes takes positive integers');
    const config = values.config ? loadConfigOrExit(values.config).config : defaultConfig();
    const out: { area: string; row: BenchRow }[] = [];
    // With several areas, each runs in a fresh process: one area's heap (the 10,000-encounter
    // pipeline peaks near 300 MB) would otherwise tax the next one's garbage collection.
    const isolate = areas.length > 1;
    let peakRssMb = 0;
    for (const area of areas) {
      if (!values.json) process.stderr.write(`bench: ${area}…\n`);
      try {
        if (isolate) {
          const child = await benchChild(area, {
            sizes: sizes.join(','),
            quick: values.quick ?? false,
            ...(values.config ? { config: values.config } : {}),
          });
          peakRssMb = Math.max(peakRssMb, child.peakRssMb);
          for (const row of child.rows) out.push({ area, row });
        } else
          for (const row of await AREAS[area]!(config, { sizes, quick: values.quick ?? false }))
            out.push({ area, row });
      } catch (err) {
        out.push({
          area,
          row: {
            name: 'failed',
            value: NaN,
            unit: '',
            note: err instanceof Error ? err.message : String(err),
          },
        });
      }
      if (!values.json) process.stdout.write(formatRows(out.filter((r) => r.area === area)) + '\n');
    }
    out.push({
      area: 'process',
      row: {
        name: isolate ? 'peak RSS of the largest area' : 'peak RSS of this bench',
        value: Math.max(peakRssMb, Math.round(process.resourceUsage().maxRSS / 1024)),
        unit: 'MB',
      },
    });
    if (values.json)
      process.stdout.write(
        JSON.stringify(
          { machine: { cores: (await import('node:os')).cpus().length, node: process.version }, rows: out },
          null,
          2,
        ) + '\n',
      );
    else process.stdout.write(formatRows(out.slice(-1)) + '\n');
    return 0;
  },
};
export default verb;

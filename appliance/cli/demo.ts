import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentLogger } from '../log.js';
import { startAppliance, type Appliance } from '../main.js';
import { setDataDir, type Config } from '../config.js';
import { countsByStatus, stageLags, type LagStat } from '../store/queries.js';
import {
  batchWriter,
  claimCheckFor,
  profileOf,
  startEmbeddedSandbox,
  transportFor,
  x12Readers,
} from '../wiring.js';
import { toEnvelope } from '../../integrations/hl7/map.js';
import { demoDft } from '../../ops/demo-feed.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

export interface DemoResult {
  encounters: number;
  /** Epoch ms when the first HL7 message reached intake (the appliance already running). */
  startedAt: number;
  /** From startedAt until every encounter settled. */
  elapsedMs: number;
  counts: ReturnType<typeof countsByStatus>;
  lags: LagStat[];
  peakRssBytes: number;
}

const OPEN_CLAIM = ['draft', 'ready', 'submitted', 'accepted'];
const OPEN_ENCOUNTER = ['received', 'coded', 'scrubbed'];

/** Every claim has left (837 uploaded and its 999/277CA read), whatever its 835 status. */
const UNSENT_CLAIM = ['draft', 'ready', 'submitted'];

function settled(app: Appliance, until: 'posted' | 'sent'): boolean {
  const c = countsByStatus(app.store);
  return (
    OPEN_ENCOUNTER.every((s) => !c.encounters[s]) &&
    (until === 'sent' ? UNSENT_CLAIM : OPEN_CLAIM).every((s) => !c.claims[s]) &&
    (app.store.sqlite
      .prepare("SELECT count(*) FROM clearinghouse_responses WHERE status = 'new'")
      .pluck()
      .get() as number) === 0
  );
}

/**
 * The whole pipeline on N synthetic encounters against an in-process sandbox clearinghouse:
 * HL7 DFT^P03 → intake → coding → scrub → 837P → sandbox → 999/277CA → 835 → posting.
 * Shared by `claimbox demo` and `claimbox bench`.
 */
export async function runDemo(
  base: Config,
  opts: {
    encounters: number;
    dataDir: string;
    out?: string;
    seed?: number;
    timeoutMs?: number;
    /** Stop once every claim is out and acknowledged ('sent'; 835s may still be due), or once
     *  every 835 is posted ('posted', the default). */
    until?: 'posted' | 'sent';
    /** A sandbox clearinghouse already running elsewhere (the bench runs one in its own process, as a
     *  real clearinghouse is); default: one in this process. */
    sandboxUrl?: string;
  },
): Promise<DemoResult> {
  const config: Config = structuredClone(base);
  setDataDir(config, opts.dataDir);
  config.clearinghouse.transport = 'sandbox';
  config.clearinghouse.live = false;
  config.clearinghouse.poll_seconds = 0.1;
  config.sandbox.embedded = true;
  config.sandbox.era_delay_seconds = 0;
  config.remit.auto_post = true;
  config.submission.mode = 'immediate';
  config.submission.hold = false;
  // The EHR's side, outside the timing: the messages exist before they arrive.
  const now = new Date();
  const messages = Array.from({ length: opts.encounters }, (_, i) =>
    demoDft(i + 1, { seed: opts.seed, now }),
  );
  if (opts.out) {
    mkdirSync(join(opts.out, 'hl7'), { recursive: true });
    for (const m of messages) writeFileSync(join(opts.out, 'hl7', `${m.controlId}.hl7`), m.text);
  }
  const sandbox = opts.sandboxUrl ? undefined : (await startEmbeddedSandbox(config, 0))!;
  const sandboxUrl = opts.sandboxUrl ?? sandbox!.url;
  let peak = process.memoryUsage().rss;
  const app = await startAppliance(
    { config, logger: silentLogger(), listen: false, runLoop: false },
    {
      writer: batchWriter(config),
      claimCheck: claimCheckFor(config),
      readers: x12Readers,
      transport: ({ cursors }) => transportFor(config, cursors, sandboxUrl),
    },
  );
  const profile = profileOf(config);
  const startedAt = Date.now();
  const t0 = performance.now();
  try {
    // Hand the messages to intake as MLLP would (same sink, same group commit), 500 at a time.
    for (let i = 0; i < messages.length; i += 500) {
      await Promise.all(
        messages.slice(i, i + 500).map((m) => {
          const r = toEnvelope(Buffer.from(m.text), 'mllp', profile);
          if (!r.envelope)
            throw new Error(`demo message ${m.controlId} rejected: ${r.reject?.reason ?? '?'}`);
          return app.sink.accept(r.envelope);
        }),
      );
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      await app.runner.runUntilIdle();
      peak = Math.max(peak, process.memoryUsage().rss);
      if (settled(app, opts.until ?? 'posted')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsedMs = performance.now() - t0;
    if (opts.out) writeOutputs(app, opts.out);
    return {
      encounters: opts.encounters,
      startedAt,
      elapsedMs,
      counts: countsByStatus(app.store),
      lags: stageLags(app.store),
      peakRssBytes: peak,
    };
  } finally {
    await app.stop('demo finished');
    await sandbox?.close();
  }
}

function writeOutputs(app: Appliance, out: string): void {
  mkdirSync(join(out, '837'), { recursive: true });
  mkdirSync(join(out, 'responses'), { recursive: true });
  for (const b of app.store.sqlite.prepare('SELECT file_name, content FROM batches ORDER BY id').all() as {
    file_name: string;
    content: string;
  }[])
    writeFileSync(join(out, '837', b.file_name), b.content);
  for (const r of app.store.sqlite
    .prepare('SELECT id, kind, content FROM clearinghouse_responses ORDER BY id')
    .all() as {
    id: number;
    kind: string;
    content: string;
  }[])
    writeFileSync(join(out, 'responses', `${String(r.id).padStart(5, '0')}.${r.kind}.x12`), r.content);
}

const ms = (v: number) => (v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`);

export function formatSummary(r: DemoResult): string {
  const lines = [
    `claimbox demo: ${r.encounters} encounters in ${ms(r.elapsedMs)} (${Math.round((r.encounters / r.elapsedMs) * 1000)}/s end to end), peak RSS ${Math.round(r.peakRssBytes / 1048576)} MB`,
    '',
    'Encounters by status: ' +
      Object.entries(r.counts.encounters)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    'Claims by status:     ' +
      Object.entries(r.counts.claims)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    '',
    'Stage lag                 count      p50      p95',
    ...r.lags.map(
      (l) =>
        `${l.stage.padEnd(24)} ${String(l.count).padStart(6)} ${ms(l.p50Ms).padStart(8)} ${ms(l.p95Ms).padStart(8)}`,
    ),
  ];
  return lines.join('\n');
}

const verb: Verb = {
  name: 'demo',
  summary: 'run the whole pipeline on synthetic encounters against the sandbox clearinghouse',
  help: `usage: claimbox demo [--encounters N] [--out DIR] [--seed N] [--data-dir DIR] [--config FILE]

Makes N synthetic finalized encounters as HL7 v2.5 DFT^P03 messages (obviously fake people) and
runs them through the whole pipeline: intake → coding → scrub → 837P → the sandbox clearinghouse
→ 999/277CA → 835 → posting. Nothing leaves this machine (test mode, in-process sandbox).

  --encounters N   how many (default 200)
  --out DIR        write what it made: DIR/hl7/*.hl7 in, DIR/837/*.x12 out, DIR/responses/* back
  --seed N         payer behaviour and patient mix (default 42)
  --data-dir DIR   keep the demo database here (default: a fresh temporary folder)

Prints counts per final status and the median and p95 lag of each stage.`,
  async run(argv) {
    const { values } = parseVerbArgs(
      argv,
      {
        encounters: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      false,
    );
    const n = Number(values.encounters ?? 200);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new UsageError('--encounters must be 1..1000000');
    const seed = Number(values.seed ?? 42);
    const { config } = loadConfigOrExit(values.config);
    const dataDir = values['data-dir']
      ? resolve(values['data-dir'])
      : mkdtempSync(join(tmpdir(), 'claimbox-demo-'));
    const out = values.out ? resolve(values.out) : undefined;
    const result = await runDemo(config, { encounters: n, dataDir, out, seed });
    process.stdout.write(formatSummary(result) + '\n');
    if (out) process.stdout.write(`\nWrote HL7 in, 837 out and responses back under ${out}\n`);
    process.stdout.write(`Demo database: ${join(dataDir, 'claimbox.db')}\n`);
    return 0;
  },
};
export default verb;

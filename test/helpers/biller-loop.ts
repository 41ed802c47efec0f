// A real database for the biller API tests: synthetic DFT^P03 encounters driven through the whole
// pipeline (intake → coding → scrub → 837P → in-process sandbox → 999/277CA → 835) by the same
// wiring `claimbox demo` uses, but with posting left to a person (remit.auto_post off) so the
// tests can approve remittances themselves. Each test then works on its own copy of the file.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../appliance/config.js';
import { defaultConfig } from '../../appliance/config.js';
import { silentLogger } from '../../appliance/log.js';
import { startAppliance } from '../../appliance/main.js';
import { openStore, type Store } from '../../appliance/store/open.js';
import {
  batchWriter,
  profileOf,
  startEmbeddedSandbox,
  transportFor,
  x12Readers,
} from '../../appliance/wiring.js';
import type { RunningSandbox } from '../../integrations/clearinghouse/sandbox/serve.js';
import { toEnvelope } from '../../integrations/hl7/map.js';
import { demoDft } from '../../ops/demo-feed.js';

export function loopConfig(dataDir: string, autoPost: boolean): Config {
  const config = defaultConfig();
  config.data.dir = dataDir;
  config.clearinghouse.transport = 'sandbox';
  config.clearinghouse.live = false;
  config.clearinghouse.poll_seconds = 0.05;
  config.sandbox.embedded = true;
  config.sandbox.era_delay_seconds = 0;
  config.remit.auto_post = autoPost;
  config.submission.mode = 'immediate';
  config.submission.hold = false;
  return config;
}

/** Nothing left for the pipeline: every claim answered by a 999/277CA and, if accepted, an 835. */
function settled(store: Store): boolean {
  const n = (sql: string) => store.sqlite.prepare(sql).pluck().get() as number;
  return (
    n(
      "SELECT count(*) FROM encounters WHERE status IN ('received','coded','scrubbed') AND superseded_by IS NULL AND parked_at IS NULL",
    ) === 0 &&
    n("SELECT count(*) FROM claims WHERE status IN ('draft','ready','submitted')") === 0 &&
    n(
      "SELECT count(*) FROM claims c WHERE c.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM remittance_claims rc WHERE rc.claim_id = c.id AND rc.status_code != '22')",
    ) === 0 &&
    n("SELECT count(*) FROM clearinghouse_responses WHERE status = 'new'") === 0
  );
}

/**
 * Run the appliance on `config`'s data dir with an embedded sandbox until settled: takes in
 * `messages` first (HL7 text), then drives the runner. Also used to resume on an existing
 * database (no messages) so a test can watch the pipeline pick up what a person changed.
 */
export async function driveLoop(
  config: Config,
  messages: string[] = [],
  opts: { sandbox?: RunningSandbox; timeoutMs?: number } = {},
): Promise<void> {
  // The sandbox numbers its responses from 1 per process, and the appliance keeps its cursors: a
  // resumed database must talk to the same sandbox instance it was built with.
  const own = opts.sandbox ? undefined : (await startEmbeddedSandbox(config, 0))!;
  const sandbox = opts.sandbox ?? own!;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const app = await startAppliance(
    { config, logger: silentLogger(), listen: false, runLoop: false },
    {
      writer: batchWriter(config),
      readers: x12Readers,
      transport: ({ cursors }) => transportFor(config, cursors, sandbox.url),
    },
  );
  try {
    const profile = profileOf(config);
    await Promise.all(
      messages.map((text) => {
        const r = toEnvelope(Buffer.from(text), 'mllp', profile);
        if (!r.envelope) throw new Error(`fixture message rejected: ${r.reject?.reason ?? '?'}`);
        return app.sink.accept(r.envelope);
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await app.runner.runUntilIdle();
      if (settled(app.store)) break;
      if (Date.now() > deadline) throw new Error('pipeline did not settle');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await app.stop('fixture done');
    await own?.close();
  }
}

export interface BillerDb {
  /** The settled database file; copy it per test with `copyStore`. */
  path: string;
  /** The sandbox it was built against, still running (resume with driveLoop against it). */
  sandbox: RunningSandbox;
  /** Close the sandbox and remove the fixture's folder (afterAll). */
  dispose(): Promise<void>;
}

/** N synthetic encounters through the loop; `mangle` may alter a message (e.g. to force review). */
export async function buildBillerDb(
  opts: { encounters: number; seed?: number; mangle?: (text: string, i: number) => string } = {
    encounters: 40,
  },
): Promise<BillerDb> {
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-biller-'));
  const now = new Date();
  const messages = Array.from({ length: opts.encounters }, (_, i) => {
    const text = demoDft(i + 1, { seed: opts.seed ?? 42, now }).text;
    return opts.mangle ? opts.mangle(text, i) : text;
  });
  const config = loopConfig(dir, false);
  const sandbox = (await startEmbeddedSandbox(config, 0))!;
  try {
    await driveLoop(config, messages, { sandbox });
  } catch (err) {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    path: join(dir, 'claimbox.db'),
    sandbox,
    async dispose() {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private copy of the fixture database in a fresh data dir, opened by the production openStore. */
export function copyStore(db: BillerDb): { store: Store; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'claimbox-biller-t-'));
  const target = join(dataDir, 'claimbox.db');
  copyFileSync(db.path, target);
  if (existsSync(`${db.path}-wal`)) copyFileSync(`${db.path}-wal`, `${target}-wal`);
  return { store: openStore(target), dataDir };
}

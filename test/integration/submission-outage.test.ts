import { describe, expect, it } from 'vitest';
import { expectAuditChainIntact } from '../helpers/audit-chain.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../appliance/store/open.js';
import { openSandboxState } from '../../integrations/clearinghouse/sandbox/state.js';
import {
  startApplianceChild,
  startSandboxChild,
  type ApplianceChild,
  type SandboxChild,
  type Status,
} from '../helpers/outage-procs.js';
import { mulberry32 } from '../helpers/prng.js';

const COUNT = 300;
const FINAL = ['accepted', 'paid', 'partially_paid', 'denied', 'rejected'];

/** The kill schedule is reproducible from the seed. */
const rng = mulberry32;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sum = (r: Record<string, number>, keys: string[]) => keys.reduce((a, k) => a + (r[k] ?? 0), 0);
const uploaded = (s: Status) => sum(s.batches, ['sent', 'accepted', 'rejected']);

describe('submission outbox', () => {
  it('submits every claim exactly once when the clearinghouse and the appliance are killed at random', async () => {
    const seed = Number(process.env.OUTAGE_SEED ?? 20261122);
    const rand = rng(seed);
    const between = (lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));
    const dir = mkdtempSync(join(tmpdir(), 'cb-outage-'));
    const stateFile = join(dir, 'sandbox', 'sandbox.sqlite');
    const dataDir = join(dir, 'appliance');
    const kills = { appliance: 0, sandbox: 0 };
    let sandbox: SandboxChild | undefined;
    let app: ApplianceChild | undefined;
    const killApp = async () => {
      await app?.kill();
      kills.appliance++;
    };
    let lostUploads = 0;
    const killSandbox = async () => {
      await sandbox?.kill();
      lostUploads += sandbox?.lost() ?? 0;
      kills.sandbox++;
    };
    try {
      // 1. Normal service until the first batches are through.
      sandbox = await startSandboxChild(stateFile, 0, 0);
      const port = sandbox.port;
      app = startApplianceChild(dataDir, sandbox.url, COUNT, false);
      await app.until((s) => uploaded(s) >= 1, 20_000);

      // 2. The clearinghouse goes down: claims wait (ready, in pending batches), the appliance is
      //    killed and restarted during the outage, and nothing is uploaded.
      await killSandbox();
      await sleep(between(300, 800));
      await killApp();
      app = startApplianceChild(dataDir, sandbox.url, COUNT, false);
      const waiting = await app.until((s) => sum(s.batches, ['pending']) >= 1, 20_000);
      expect(waiting.claims.ready ?? 0).toBeGreaterThan(0);
      await sleep(between(500, 1500));

      // 3. It comes back answering slower than the appliance waits (uploads land but time out:
      //    ambiguous; two are lost on the way in and must be resent), and the appliance is killed at
      //    random points, mostly mid-upload.
      sandbox = await startSandboxChild(stateFile, port, 1000, 2);
      // Left alone until acknowledgments of uploads that timed out come back.
      const ackedBefore = app.last()?.batches.accepted ?? 0;
      await app.until((s) => (s.batches.accepted ?? 0) > ackedBefore, 30_000);
      for (let i = 0; i < 3; i++) {
        await app.until(() => true, 20_000);
        await sleep(between(200, 1800));
        await killApp();
        app = startApplianceChild(dataDir, sandbox.url, COUNT, false);
      }

      // 4. Replies within the timeout, but the clearinghouse dies mid-upload (connection reset after
      //    the file is stored) and is gone a while.
      await app.until(() => true, 20_000);
      await killSandbox();
      sandbox = await startSandboxChild(stateFile, port, 300);
      await sleep(between(400, 1200));
      await killSandbox();
      await sleep(between(300, 900));
      await killApp();

      // 5. Both come back (two more uploads lost on the way in); everything must drain and settle.
      sandbox = await startSandboxChild(stateFile, port, 0, 2);
      app = startApplianceChild(dataDir, sandbox.url, COUNT, true);
      const exit = await Promise.race([
        app.exited,
        sleep(45_000).then(() => ({ code: -1, signal: null, last: app?.last() })),
      ]);
      expect(exit, `did not settle: ${JSON.stringify(app.last())} ${app.stderr()}`).toMatchObject({
        code: 0,
      });
    } finally {
      await app?.kill();
      await sandbox?.kill();
      lostUploads += sandbox?.lost() ?? 0;
    }

    const store = openStore(join(dataDir, 'claimbox.db'));
    const q = (sql: string) => store.sqlite.prepare(sql).pluck().get() as number;
    const col = <T>(sql: string) => store.sqlite.prepare(sql).pluck().all() as T[];

    // Nothing lost: one live claim per encounter, each at a final status.
    expect(q('SELECT count(*) FROM encounters')).toBe(COUNT);
    expect(q("SELECT count(DISTINCT encounter_id) FROM claims WHERE status NOT IN ('void','replaced')")).toBe(
      COUNT,
    );
    expect(
      q(
        "SELECT count(*) FROM (SELECT encounter_id FROM claims WHERE status NOT IN ('void','replaced') GROUP BY encounter_id HAVING count(*) > 1)",
      ),
    ).toBe(0);
    // Every claim went through submitted (each transition recorded), whatever path its batch took.
    expect(q('SELECT count(*) FROM claims WHERE submitted_at IS NULL')).toBe(0);
    expect(q("SELECT count(DISTINCT entity_id) FROM audit_log WHERE event = 'CLAIM_SUBMITTED'")).toBe(COUNT);
    const statuses = col<string>('SELECT status FROM claims');
    expect(statuses.filter((s) => !FINAL.includes(s))).toEqual([]);
    expect(
      q(
        "SELECT count(*) FROM (SELECT claim_id FROM batch_claims bc JOIN batches b ON b.id = bc.batch_id WHERE b.status = 'accepted' GROUP BY claim_id HAVING count(*) > 1)",
      ),
    ).toBe(0);

    // Nothing sent twice: the clearinghouse's own durable record of what it received.
    const received = openSandboxState(stateFile);
    const snap = received.load();
    received.close();
    const pcns = col<string>('SELECT pcn FROM claims').sort();
    const uploadedPcns = snap.uploads.flatMap((u) => u.pcns).sort();
    expect(uploadedPcns).toEqual(pcns);
    expect([...snap.originals].filter(([, n]) => n !== 1)).toEqual([]);
    expect(snap.originals.size).toBe(COUNT);
    const fileNames = snap.uploads.map((u) => u.filename);
    expect(new Set(fileNames).size).toBe(fileNames.length);
    // A resent upload carried the batch's first bytes: the sandbox holds each batch's file name once.
    expect(fileNames.sort()).toEqual(col<string>('SELECT file_name FROM batches').sort());

    // And back: every 999/277CA and 835 the clearinghouse made was stored once and applied; every
    // remittance posted once (auto-post), so no claim was paid twice.
    expect(q("SELECT count(*) FROM clearinghouse_responses WHERE kind IN ('999','277CA')")).toBe(
      snap.responses.length,
    );
    expect(q("SELECT count(*) FROM clearinghouse_responses WHERE kind = '835'")).toBe(snap.eras.length);
    expect(q("SELECT count(*) FROM clearinghouse_responses WHERE status <> 'processed'")).toBe(0);
    expect(q("SELECT count(*) FROM remittances WHERE status <> 'posted'")).toBe(0);
    expect(
      q(
        'SELECT count(*) FROM (SELECT claim_id FROM remittance_claims GROUP BY claim_id HAVING count(*) > 1)',
      ),
    ).toBe(0);
    expect(
      q(
        'SELECT count(*) FROM claims c JOIN remittance_claims rc ON rc.claim_id = c.id WHERE c.paid_cents <> rc.paid_cents',
      ),
    ).toBe(0);

    // The chaos reached the paths it is meant to prove: refused connections during the outage and
    // ambiguous uploads resolved from the upload list.
    const errors = col<string>(
      "SELECT detail FROM audit_log WHERE event = 'ERROR' AND entity_type = 'batch'",
    ).map((d) => JSON.parse(d) as { class: string; code: string });
    const ambiguous = errors.filter((e) => e.class === 'ambiguous').length;
    const transient = errors.filter((e) => e.class === 'transient').length;
    expect(ambiguous).toBeGreaterThan(0);
    expect(lostUploads).toBeGreaterThan(0);
    expect(transient).toBeGreaterThan(0);

    // The audit chain stayed intact across every kill.
    const auditEntries = expectAuditChainIntact(store);
    const byStatus = Object.fromEntries(
      (
        store.sqlite.prepare('SELECT status, count(*) n FROM claims GROUP BY status').all() as {
          status: string;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
    console.info(
      `outage seed ${seed}: ${COUNT} claims ${JSON.stringify(byStatus)}; ${snap.uploads.length} uploads, ` +
        `${q('SELECT count(*) FROM batches')} batches; kills appliance ${kills.appliance} sandbox ${kills.sandbox}; ` +
        `batch errors ambiguous ${ambiguous} transient ${transient}; uploads lost and resent ${lostUploads}; audit ${auditEntries} entries`,
    );
    store.close();
  }, 150_000);
});

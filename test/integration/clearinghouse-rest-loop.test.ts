// The whole REST loop against the sandbox clearinghouse on a real socket (port 0):
// upload → 999 → 277CA → 835 through the REST transport, rate limiting, ambiguous uploads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaimboxError } from '../../appliance/domain/errors.js';
import {
  createRestTransport,
  createSandboxTransport,
  memoryCursorStore,
  SANDBOX_ACCOUNT_KEY,
} from '../../integrations/clearinghouse/rest.js';
import { serveSandbox, type RunningSandbox } from '../../integrations/clearinghouse/sandbox/serve.js';
import { syntheticClaims, syntheticEnvelope } from '../../integrations/x12/synthetic.js';
import { write837 } from '../../integrations/x12/write-837.js';
import { read277CA, read835, read999 } from '../../integrations/x12/read-acks.js';
import {
  proposePostings,
  reconcile835,
  statusFrom277CA,
  statusFrom999,
  type BilledClaim,
} from '../../appliance/pipeline/remit.js';
import type { Claim } from '../../appliance/domain/types.js';

/** A clock the test moves by hand: the ERA delay passes without waiting. */
function manualClock(start = Date.UTC(2026, 10, 22, 12, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const running: RunningSandbox[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

async function start(opts: { seed?: number; eraDelayMs?: number; clock?: { now(): number } } = {}) {
  const s = await serveSandbox({
    seed: opts.seed ?? 42,
    eraDelayMs: opts.eraDelayMs ?? 60_000,
    accountKey: SANDBOX_ACCOUNT_KEY,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  running.push(s);
  return s;
}

function billed(c: Claim, claimId: number): BilledClaim {
  return {
    claimId,
    patientControlNumber: c.patientControlNumber,
    chargeCents: c.totalChargeCents,
    lines: c.lines,
  };
}

function file837(n: number, seed = 11, isaControl = 101) {
  return write837(
    syntheticClaims('medical', n, seed),
    syntheticEnvelope({ isaControl, gsControl: isaControl }),
  );
}

describe('REST transport against the sandbox clearinghouse', () => {
  it('runs upload → 999 → 277CA → 835, cursors advancing only on confirm', async () => {
    const clock = manualClock();
    const s = await start({ clock });
    const cursors = memoryCursorStore();
    const t = createSandboxTransport(s.url, { cursors, clock });
    expect(t.name).toBe('sandbox');
    await t.ping();

    const content = file837(8);
    const up = await t.upload({ fileName: 'claimbox-000000101.837', content });
    expect(up.remoteId).toBeDefined();
    expect(up.messages!.length).toBeGreaterThan(0);

    const acks = await t.fetch();
    expect(acks.map((d) => d.kind)).toEqual(['999', '277CA']);
    expect(acks[0]!.content).toContain('AK9*A*1*1*1');
    // Nothing confirmed yet: the same documents are offered again.
    expect((await t.fetch()).map((d) => d.remoteId)).toEqual(acks.map((d) => d.remoteId));
    for (const d of acks) await t.confirm(d);
    expect(cursors.get('sandbox.last_responseid')).toBe('2');
    expect(await t.fetch()).toEqual([]); // the 835 is not due yet

    clock.advance(60_000);
    const eras = await t.fetch();
    expect(eras.length).toBeGreaterThan(0);
    expect(eras.every((d) => d.kind === '835')).toBe(true);
    for (const d of eras) await t.confirm(d);
    expect(await t.fetch()).toEqual([]);

    // A restarted appliance with the persisted cursors sees nothing new.
    const again = createSandboxTransport(s.url, { cursors, clock });
    expect(await again.fetch()).toEqual([]);
    expect(s.sandbox.duplicateClaims()).toEqual([]);
  });

  it('confirm, holds the cursor back, when an earlier document was not stored', async () => {
    const s = await start();
    const cursors = memoryCursorStore();
    const t = createSandboxTransport(s.url, { cursors });
    await t.upload({ fileName: 'a.837', content: file837(2) });
    const [first, second] = await t.fetch();
    await t.confirm(second!);
    expect(cursors.get('sandbox.last_responseid')).toBeUndefined();
    expect((await t.fetch()).map((d) => d.remoteId)).toEqual([first!.remoteId, second!.remoteId]);
  });

  it('pages responses, until last_responseid is missing', async () => {
    const s = await serveSandbox({ seed: 1, eraDelayMs: 1e9, accountKey: SANDBOX_ACCOUNT_KEY, pageSize: 3 });
    running.push(s);
    const t = createSandboxTransport(s.url);
    for (let i = 0; i < 4; i++)
      await t.upload({ fileName: `p${i}.837`, content: file837(1, 20 + i, 200 + i) });
    const docs = await t.fetch();
    expect(docs.length).toBe(s.sandbox.responses().length);
    expect(docs.length).toBeGreaterThan(3);
  });

  it('sits out 429s, for as long as Retry-After says', async () => {
    const s = await start();
    const waits: number[] = [];
    const t = createSandboxTransport(s.url, {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    s.sandbox.faults.rateLimit = { count: 2, retryAfterSeconds: 7 };
    await t.upload({ fileName: 'rl.837', content: file837(1) });
    expect(waits).toEqual([7000, 7000]);
    expect(s.sandbox.uploads()).toHaveLength(1);
    expect(s.sandbox.requestCounts()['429:upload']).toBe(2);
  });

  it('gives up with a transient error, when rate limited past the retry budget', async () => {
    const s = await start();
    const t = createSandboxTransport(s.url, { sleep: () => Promise.resolve(), maxRateLimitRetries: 2 });
    s.sandbox.faults.rateLimit = { count: 5, retryAfterSeconds: 1 };
    const err = await t.fetch().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaimboxError);
    expect((err as ClaimboxError).code).toBe('CH_RATE_LIMITED');
    expect((err as ClaimboxError).errorClass).toBe('transient');
  });

  it('classes an upload without a reply as ambiguous, and wasUploaded finds it', async () => {
    const s = await start();
    const t = createSandboxTransport(s.url, { requestTimeoutMs: 200 });
    s.sandbox.faults.stallUploadMs = 2_000;
    const err = await t.upload({ fileName: 'stalled.837', content: file837(2) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaimboxError);
    expect((err as ClaimboxError).errorClass).toBe('ambiguous');
    s.sandbox.faults.stallUploadMs = 0;
    // The evidence says it landed: the caller must not resend.
    expect(await t.wasUploaded!('stalled.837')).toBe(true);
    expect(await t.wasUploaded!('never-sent.837')).toBe(false);
    expect(s.sandbox.uploads()).toHaveLength(1);
  });

  it('classes a refused connection as transient, even for upload (nothing was sent)', async () => {
    const s = await start();
    const url = s.url;
    await running.pop()!.close();
    const t = createSandboxTransport(url);
    const err = await t.upload({ fileName: 'down.837', content: file837(1) }).catch((e: unknown) => e);
    expect((err as ClaimboxError).errorClass).toBe('transient');
    expect((err as ClaimboxError).code).toBe('CH_NETWORK');
  });

  it('fails permanently, with a wrong account key', async () => {
    const s = await start();
    const t = createRestTransport({ baseUrl: s.url, accountKey: 'wrong', cursors: memoryCursorStore() });
    const err = await t.ping().catch((e: unknown) => e);
    expect((err as ClaimboxError).code).toBe('CH_AUTH');
    expect((err as ClaimboxError).errorClass).toBe('permanent');
  });

  it('answers the same 837 with the same 999, 277CA and 835, for the same seed', async () => {
    const run = async (seed: number) => {
      const clock = manualClock();
      const s = await start({ seed, clock });
      const t = createSandboxTransport(s.url, { clock });
      await t.upload({ fileName: 'det.837', content: file837(20) });
      clock.advance(60_000);
      return (await t.fetch()).map((d) => d.content);
    };
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('remittance from what the sandbox sends back, read with the x12 readers', () => {
  it('turns the 999, 277CA and 835 into claim statuses and balanced postings', async () => {
    const clock = manualClock();
    const s = await start({ seed: 3, clock });
    const t = createSandboxTransport(s.url, { clock });
    const claims = syntheticClaims('medical', 30, 5);
    const ours = new Map(claims.map((c, i) => [c.patientControlNumber, billed(c, i + 1)]));
    await t.upload({ fileName: 'remit.837', content: write837(claims, syntheticEnvelope()) });
    clock.advance(60_000);
    const docs = await t.fetch();

    const ack = read999(docs.find((d) => d.kind === '999')!.content);
    expect(ack.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const sets = statusFrom999(ack.value![0]!);
    expect(sets.groupAccepted).toBe(true);
    expect(sets.transactions.every((x) => x.claimStatus === undefined)).toBe(true);

    const ca = read277CA(docs.find((d) => d.kind === '277CA')!.content);
    const statuses = statusFrom277CA(ca.value![0]!);
    expect(statuses).toHaveLength(30);
    const accepted = new Set(
      statuses.filter((x) => x.claimStatus === 'accepted').map((x) => x.patientControlNumber),
    );
    expect(accepted.size).toBeGreaterThan(20);

    const remits = docs.filter((d) => d.kind === '835').map((d) => read835(d.content));
    let proposals = 0;
    for (const r of remits) {
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(reconcile835(r.value![0]!)).toEqual([]);
      const plan = proposePostings(r.value![0]!, (pcn) => ours.get(pcn));
      expect(plan.postable).toBe(true);
      for (const p of plan.proposals) {
        proposals++;
        expect(accepted.has(p.patientControlNumber)).toBe(true);
        expect(p.claimId).toBeDefined();
        expect(p.lines.every((l) => l.lineNumber !== undefined)).toBe(true);
        for (const d of p.denials) expect(d.category).not.toBe('other');
      }
    }
    expect(proposals).toBe(accepted.size);
  });

  it('catches a doctored 835, one amount changed, and holds it', async () => {
    const clock = manualClock();
    const s = await start({ seed: 3, clock });
    const t = createSandboxTransport(s.url, { clock });
    await t.upload({ fileName: 'doctor.837', content: file837(10, 5) });
    clock.advance(60_000);
    const era = (await t.fetch()).find(
      (d) => d.kind === '835' && /SVC\*HC:[^*]*\*[\d.]+\*[1-9]/.test(d.content),
    )!;
    expect(reconcile835(read835(era.content).value![0]!)).toEqual([]);
    // Raise one paid line by a cent: SVC03 of the first paid service line.
    const doctored = era.content.replace(
      /(SVC\*HC:[^*]*\*[\d.]+\*)(\d+)(\.\d+)?/,
      (_m, head: string, whole: string, frac?: string) => {
        const cents = Math.round(Number(`${whole}${frac ?? ''}`) * 100) + 1;
        return `${head}${(cents / 100).toFixed(2)}`;
      },
    );
    expect(doctored).not.toBe(era.content);
    const problems = reconcile835(read835(doctored).value![0]!);
    expect(problems.map((p) => p.code)).toContain('LINE_UNBALANCED');
    expect(proposePostings(read835(doctored).value![0]!, () => undefined).postable).toBe(false);
  });
});

describe('sandbox 999 rejections', () => {
  it('rejects an 837 with a bad amount, with IK3/IK4 the x12 reader understands', async () => {
    const s = await start();
    const t = createSandboxTransport(s.url);
    const good = file837(2, 11);
    // Break CLM02 (claim charge) of the first claim: not a number.
    const bad = good.replace(/(CLM\*[^*]+\*)[\d.]+/, '$1ABC');
    expect(bad).not.toBe(good);
    await t.upload({ fileName: 'bad.837', content: bad });
    const docs = await t.fetch();
    expect(docs.map((d) => d.kind)).toEqual(['999']);
    const ack = read999(docs[0]!.content).value![0]!;
    const status = statusFrom999(ack);
    expect(status.groupAccepted).toBe(false);
    expect(status.transactions[0]!.claimStatus).toBe('rejected');
    expect(status.transactions[0]!.errors.join('\n')).toMatch(/CLM02 at position \d+: invalid character/);
  });
});

describe('sandbox durable state', () => {
  it('keeps ResponseIDs and ERA ids across a restart, so persisted cursors miss nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-sandbox-'));
    const stateFile = join(dir, 'sandbox.sqlite');
    const clock = manualClock();
    const cursors = memoryCursorStore();
    try {
      const opts = { seed: 4, eraDelayMs: 1000, accountKey: SANDBOX_ACCOUNT_KEY, clock, stateFile };
      let s = await serveSandbox(opts);
      let t = createSandboxTransport(s.url, { cursors, clock });
      await t.upload({ fileName: 'before.837', content: file837(3, 30, 301) });
      for (const d of await t.fetch()) await t.confirm(d);
      await s.close(); // the sandbox dies

      s = await serveSandbox(opts);
      t = createSandboxTransport(s.url, { cursors, clock });
      expect(s.sandbox.uploads().map((u) => u.filename)).toEqual(['before.837']);
      expect(await t.wasUploaded!('before.837')).toBe(true);
      await t.upload({ fileName: 'after.837', content: file837(3, 31, 302) });
      clock.advance(1000);
      const docs = await t.fetch();
      expect(docs.filter((d) => d.kind !== '835').map((d) => d.remoteId)).toEqual([
        'response:3',
        'response:4',
      ]);
      // ERAs of both uploads, numbered on from the first life.
      const eraIds = docs.filter((d) => d.kind === '835').map((d) => Number(d.remoteId.slice('era:'.length)));
      expect(eraIds.length).toBe(s.sandbox.eras().length);
      expect(new Set(eraIds).size).toBe(eraIds.length);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

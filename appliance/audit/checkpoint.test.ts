import { chmodSync, mkdtempSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../config.js';
import { createLogger } from '../log.js';
import { openStore, type Store } from '../store/open.js';
import { createCheckpointer, parseSinkText, readDbCheckpoints, systemLogWriter } from './checkpoint.js';
import { AuditKeyError, checkpointSignatureValid, loadOrCreateSigningKey } from './keys.js';
import { appendAudit, GENESIS_HASH } from './log.js';

let store: Store | undefined;
afterEach(() => store?.close());

/** A pino logger whose lines the test reads back. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger('debug', {
    write(chunk: string) {
      lines.push(JSON.parse(chunk) as { level: number; msg: string });
      return true;
    },
  } as unknown as NodeJS.WritableStream);
  return { logger, lines };
}

function setup(overrides: Partial<ReturnType<typeof defaultConfig>['audit']> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-cp-'));
  store = openStore(join(dir, 'claimbox.db'));
  const config = defaultConfig();
  config.audit = {
    ...config.audit,
    checkpoint_every: 10,
    checkpoint_minutes: 15,
    key_file: join(dir, 'keys', 'audit-key.pem'),
    sink_file: join(dir, 'backup', 'audit-checkpoints.jsonl'),
    ...overrides,
  };
  let now = Date.UTC(2026, 9, 1);
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const syslogLines: string[] = [];
  const { logger, lines } = capturingLogger();
  const cp = createCheckpointer({ store, config, logger, clock, syslog: (l) => syslogLines.push(l) });
  const s = store;
  const append = (n: number) =>
    s.tx(() =>
      appendAudit(
        s,
        Array.from({ length: n }, () => ({ event: 'LOGIN' as const, actor: 'user:a' })),
        now,
      ),
    );
  return { dir, config, clock, cp, append, syslogLines, logLines: lines, store: s };
}

describe('signing key file', () => {
  it('is created 0600 on first use and read back the same, key id stable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-key-'));
    const path = join(dir, 'k', 'audit-key.pem');
    const a = loadOrCreateSigningKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSigningKey(path).keyId).toBe(a.keyId);
  });

  it('is refused when group or others can read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-key-'));
    const path = join(dir, 'audit-key.pem');
    loadOrCreateSigningKey(path);
    chmodSync(path, 0o644);
    expect(() => loadOrCreateSigningKey(path)).toThrow(AuditKeyError);
    expect(() => loadOrCreateSigningKey(path)).toThrow(/chmod 600/);
  });
});

describe('createCheckpointer', () => {
  it('checkpoints every N entries to the database, the sink file and the system log, signed', () => {
    const t = setup();
    t.append(9);
    t.cp.maybeCheckpoint();
    expect(readDbCheckpoints(t.store.sqlite)).toHaveLength(0);
    t.append(1);
    t.cp.maybeCheckpoint();
    const [cp] = readDbCheckpoints(t.store.sqlite);
    expect(cp).toMatchObject({ seq: 10 });
    const head = t.store.sqlite.prepare('SELECT hash FROM audit_log WHERE seq = 10').pluck().get();
    expect(cp!.headHash).toBe(head);
    const key = loadOrCreateSigningKey(t.config.audit.key_file);
    expect(checkpointSignatureValid(key.publicKey, cp!.seq, cp!.headHash, cp!.ts, cp!.signature)).toBe(true);
    const sink = parseSinkText(readFileSync(t.config.audit.sink_file, 'utf8'));
    expect(sink.checkpoints).toEqual([cp]);
    expect(sink.badLines).toEqual([]);
    expect(t.syslogLines).toHaveLength(1);
    expect(JSON.parse(t.syslogLines[0]!)).toMatchObject({ seq: 10, head_hash: cp!.headHash });
  });

  it('checkpoints after T minutes with fewer than N new entries, time-based', () => {
    const t = setup();
    t.cp.checkpointNow();
    t.append(3);
    t.clock.advance(14 * 60_000);
    t.cp.maybeCheckpoint();
    expect(readDbCheckpoints(t.store.sqlite).map((c) => c.seq)).toEqual([0]);
    t.clock.advance(60_000);
    t.cp.maybeCheckpoint();
    expect(readDbCheckpoints(t.store.sqlite).map((c) => c.seq)).toEqual([0, 3]);
  });

  it('checkpointNow on an unchanged head returns the existing checkpoint, no duplicate line', () => {
    const t = setup();
    const empty = t.cp.checkpointNow();
    expect(empty).toMatchObject({ seq: 0, headHash: GENESIS_HASH });
    t.append(2);
    const a = t.cp.checkpointNow();
    const b = t.cp.checkpointNow();
    expect(b).toEqual(a);
    expect(readFileSync(t.config.audit.sink_file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('logs and carries on when the sink file cannot be written, pipeline unaffected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-cp-sink-'));
    mkdirSync(join(dir, 'is-a-directory'));
    const t = setup({ sink_file: join(dir, 'is-a-directory') });
    t.append(10);
    expect(() => t.cp.maybeCheckpoint()).not.toThrow();
    expect(readDbCheckpoints(t.store.sqlite)).toHaveLength(1);
    expect(t.logLines.some((l) => l.level === 50 && /sink file/.test(l.msg))).toBe(true);
  });

  it('never throws from maybeCheckpoint, database closed', () => {
    const t = setup();
    t.append(10);
    t.store.close();
    expect(() => t.cp.maybeCheckpoint()).not.toThrow();
    expect(t.logLines.some((l) => l.level === 50 && /will retry/.test(l.msg))).toBe(true);
  });
});

describe('systemLogWriter', () => {
  it('says the system log is unavailable when the logger command is missing, never throws', async () => {
    const { logger, lines } = capturingLogger();
    const write = systemLogWriter(logger, 'claimbox-no-such-logger-command');
    expect(() => write('{"seq":1}')).not.toThrow();
    await vi.waitFor(() => expect(lines.some((l) => /system log unavailable/.test(l.msg))).toBe(true));
  });
});

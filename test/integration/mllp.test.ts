// MLLP listener against real sockets (port 0) and a real SQLite store (openStore on a temp file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMllpServer, MllpClient, sendAll, type MllpServer } from '../../integrations/hl7/mllp.js';
import { frame } from '../../integrations/hl7/mllp-frame.js';
import { readAck } from '../../integrations/hl7/ack.js';
import { generic25 } from '../../integrations/hl7/profiles.js';
import { sampleDft } from '../../integrations/hl7/sample.js';
import { memorySink, openSqliteIntakeSink, type SqliteIntakeSink } from '../helpers/sqlite-intake-sink.js';

const logger = { info() {}, warn() {}, error() {} };
const fixtures = new URL('../fixtures/hl7/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures));

let dir: string;
let sink: SqliteIntakeSink;
let server: MllpServer;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-mllp-'));
  sink = openSqliteIntakeSink(join(dir, 'intake.sqlite'));
  server = createMllpServer({
    sink,
    profile: generic25,
    logger,
    maxMessageBytes: 1_048_576,
    idleTimeoutMs: 0,
    maxConnections: 20,
  });
  ({ port } = await server.listen(0));
});

afterAll(async () => {
  await server.close();
  sink.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowCount = (controlId: string) =>
  (
    sink.store.sqlite
      .prepare('SELECT count(*) AS n FROM inbound_messages WHERE control_id = ?')
      .get(controlId) as { n: number }
  ).n;

describe('MLLP listener', () => {
  it('answers AA only once the message is committed, and echoes MSH-10 in MSA-2', async () => {
    const c = await MllpClient.connect(port);
    const ack = readAck(await c.send(sampleDft({ index: 1, controlId: 'DURABLE1' })));
    // The ACK arrived: the row must already be readable from another connection to the file.
    const other = openSqliteIntakeSink(sink.store.path);
    const n = (
      other.store.sqlite
        .prepare("SELECT count(*) AS n FROM inbound_messages WHERE control_id = 'DURABLE1'")
        .get() as { n: number }
    ).n;
    other.close();
    expect(ack).toMatchObject({ code: 'AA', controlId: 'DURABLE1' });
    expect(n).toBe(1);
    await c.close();
  });

  it('answers AA to a duplicate (same sender + MSH-10) and stores nothing new', async () => {
    const msg = sampleDft({ index: 2, controlId: 'DUP1' });
    const c = await MllpClient.connect(port);
    expect(readAck(await c.send(msg)).code).toBe('AA');
    const again = readAck(await c.send(msg));
    expect(again.code).toBe('AA');
    expect(again.text).toMatch(/duplicate/);
    expect(rowCount('DUP1')).toBe(1);
    await c.close();
  });

  it('keeps ACK order per connection with many messages in flight', async () => {
    const msgs = Array.from({ length: 200 }, (_, i) => sampleDft({ index: i, controlId: `ORD${i}` }));
    const r = await sendAll(port, msgs, { connections: 2, window: 16 });
    expect(r.codes.every((c) => c === 'AA')).toBe(true);
    r.acks.forEach((a, i) => expect(readAck(a).controlId).toBe(`ORD${i}`));
  });

  const corpus: [string, string, RegExp][] = [
    ['broken/empty.hl7', 'AR', /MSH/],
    ['broken/no-msh.hl7', 'AR', /MSH/],
    ['broken/truncated-msh.hl7', 'AR', /too short/],
    ['broken/bad-delimiters.hl7', 'AR', /delimiters/],
    ['broken/msh-no-type.hl7', 'AR', /MSH-9/],
    ['broken/binary-junk.bin', 'AR', /MSH/],
    ['broken/unsupported-type.hl7', 'AR', /not supported/],
    ['broken/unsupported-dft-event.hl7', 'AR', /not supported/],
    ['broken/no-visit-number.hl7', 'AE', /PV1-19/],
    ['broken/no-patient-id.hl7', 'AE', /PID-3/],
    ['broken/no-procedures.hl7', 'AE', /procedure/],
    ['broken/bad-dates.hl7', 'AE', /date/],
    ['broken/adt-a08-ignored.hl7', 'AA', /not used for billing/],
    ['broken/segment-garbage.hl7', 'AA', /^$/],
    ['dft-p03-win1252.hl7', 'AA', /^$/],
    ['dft-p03-odd-delimiters.hl7', 'AA', /^$/],
    ['dft-p03-bom.hl7', 'AA', /^$/],
    ['dft-p03-crlf.hl7', 'AA', /^$/],
    ['dft-p03-lf.hl7', 'AA', /^$/],
  ];

  it('answers every file of the broken corpus with a clear AE/AR (or AA), on one connection that survives', async () => {
    const c = await MllpClient.connect(port);
    for (const [file, code, text] of corpus) {
      const ack = readAck(await c.send(fixture(file)));
      expect(ack.code, file).toBe(code);
      expect(ack.text, file).toMatch(text);
      if (code !== 'AA') expect(ack.error.length, file).toBeGreaterThan(0);
    }
    expect(readAck(await c.send(sampleDft({ index: 3, controlId: 'AFTER-CORPUS' }))).code).toBe('AA');
    await c.close();
    // Every fixture in the folder is covered by the table above.
    const files = readdirSync(new URL('broken/', fixtures)).map((f) => `broken/${f}`);
    expect(files.filter((f) => !corpus.some(([c]) => c === f))).toEqual([]);
  });

  it('stores quarantined messages (AE) so nothing is lost', () => {
    const ctl = (sink.store.sqlite
      .prepare("SELECT status, reason FROM inbound_messages WHERE control_id = 'MSG00000012'")
      .get() ?? {}) as { status?: string; reason?: string };
    expect(ctl.status).toBe('quarantined');
    expect(ctl.reason).toMatch(/PV1-19/);
  });

  it('answers AR to a 10 MB frame and then reads the next message on the same connection', async () => {
    const c = await MllpClient.connect(port);
    const big = Buffer.concat([
      Buffer.from('MSH|^~\\&|FAKEEHR|DEMO|CB|B|20260101||DFT^P03|HUGE1|P|2.5\rNTE|'),
      Buffer.alloc(10 * 1024 * 1024, 0x41),
    ]);
    const ack = readAck(await c.send(big));
    expect(ack).toMatchObject({ code: 'AR', controlId: 'HUGE1' });
    expect(ack.text).toMatch(/exceeds the 1048576-byte limit/);
    expect(readAck(await c.send(sampleDft({ index: 4, controlId: 'AFTER-HUGE' }))).code).toBe('AA');
    await c.close();
  });

  it('answers a frame cut short by a new start byte with AR, and carries on', async () => {
    const c = await MllpClient.connect(port);
    const cutAck = c.nextAck();
    const nextAck = c.nextAck();
    c.writeRaw(
      Buffer.concat([
        Buffer.from('\x0bMSH|^~\\&|A|B|C|D|2026||DFT^P03|CUT1|P|2.5\rPID|1|'),
        frame(sampleDft({ index: 5, controlId: 'AFTER-CUT' })),
      ]),
    );
    expect(readAck(await cutAck)).toMatchObject({ code: 'AR', controlId: 'CUT1' });
    expect(readAck(await nextAck)).toMatchObject({ code: 'AA', controlId: 'AFTER-CUT' });
    await c.close();
  });

  it('reads a frame split across TCP writes, and ignores binary junk between frames', async () => {
    const c = await MllpClient.connect(port);
    const bytes = frame(sampleDft({ index: 11, controlId: 'SPLIT1' }));
    const ack = c.nextAck();
    c.writeRaw(readFileSync(new URL('broken/binary-junk.bin', fixtures)));
    for (const [a, b] of [
      [0, 7],
      [7, 1500],
      [1500, bytes.length - 1],
      [bytes.length - 1, bytes.length],
    ]) {
      c.writeRaw(bytes.subarray(a, b));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readAck(await ack)).toMatchObject({ code: 'AA', controlId: 'SPLIT1' });
    expect(server.stats().junkBytes).toBeGreaterThan(0);
    await c.close();
  });

  it('survives a client that disconnects mid-frame', async () => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.end(Buffer.from('\x0bMSH|^~\\&|A|B|C|D|2026||DFT^P03|HALF|P|2.5\rPID|'));
    await new Promise((r) => s.once('close', r));
    const c = await MllpClient.connect(port);
    expect(readAck(await c.send(sampleDft({ index: 6, controlId: 'AFTER-HALF' }))).code).toBe('AA');
    await c.close();
    expect(rowCount('HALF')).toBe(0);
  });

  it('answers AR "intake stopped: ..." while stopped, and AA again after resume', async () => {
    const c = await MllpClient.connect(port);
    server.stopIntake('UPS runtime low');
    const ack = readAck(await c.send(sampleDft({ index: 7, controlId: 'STOP1' })));
    expect(ack).toMatchObject({ code: 'AR', controlId: 'STOP1', text: 'intake stopped: UPS runtime low' });
    expect(rowCount('STOP1')).toBe(0);
    expect(server.stats().intakeStopped).toBe('UPS runtime low');
    server.resumeIntake();
    expect(readAck(await c.send(sampleDft({ index: 7, controlId: 'STOP1' }))).code).toBe('AA');
    await c.close();
  });

  it('follows MSH-15 in enhanced mode: NE sends nothing, AL sends CA, ER stays silent on success', async () => {
    const c = await MllpClient.connect(port);
    c.writeRaw(frame(sampleDft({ index: 8, controlId: 'ENH-NE', acceptAck: 'NE', appAck: 'NE' })));
    c.writeRaw(frame(sampleDft({ index: 8, controlId: 'ENH-ER', acceptAck: 'ER', appAck: 'NE' })));
    const al = readAck(
      await c.send(sampleDft({ index: 8, controlId: 'ENH-AL', acceptAck: 'AL', appAck: 'NE' })),
    );
    expect(al).toMatchObject({ code: 'CA', controlId: 'ENH-AL' });
    expect(rowCount('ENH-NE') + rowCount('ENH-ER')).toBe(2);
    await c.close();
  });
});

describe('MLLP listener limits and failures', () => {
  it('closes connections past the limit and idle ones after the timeout', async () => {
    const s = createMllpServer({
      sink: memorySink(),
      profile: generic25,
      logger,
      maxMessageBytes: 1 << 20,
      idleTimeoutMs: 200,
      maxConnections: 1,
    });
    const { port: p } = await s.listen(0);
    const a = await MllpClient.connect(p);
    const b = net.connect(p, '127.0.0.1');
    await new Promise((r) => b.once('close', r));
    expect(s.stats().connectionsRefused).toBe(1);
    // a is idle: the server ends it after idleTimeoutMs.
    await expect(a.nextAck()).rejects.toThrow(/closed/);
    await s.close();
  });

  it('answers AR (resend later) when the store fails, and AA once it works again', async () => {
    const mem = memorySink();
    const s = createMllpServer({
      sink: mem,
      profile: generic25,
      logger,
      maxMessageBytes: 1 << 20,
      idleTimeoutMs: 0,
      maxConnections: 5,
    });
    const { port: p } = await s.listen(0);
    const c = await MllpClient.connect(p);
    mem.fail = new Error('SQLITE_FULL');
    const ack = readAck(await c.send(sampleDft({ index: 9 })));
    expect(ack.code).toBe('AR');
    expect(ack.text).toMatch(/could not be stored/);
    mem.fail = undefined;
    expect(readAck(await c.send(sampleDft({ index: 9 }))).code).toBe('AA');
    await c.close();
    await s.close();
  });

  it('speaks MLLP over TLS, when given a certificate', async () => {
    const tdir = mkdtempSync(join(tmpdir(), 'claimbox-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(tdir, 'key.pem'),
        '-out',
        join(tdir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(tdir, 'cert.pem'));
    const s = createMllpServer({
      sink: memorySink(),
      profile: generic25,
      logger,
      maxMessageBytes: 1 << 20,
      idleTimeoutMs: 0,
      maxConnections: 5,
      tls: { cert, key: readFileSync(join(tdir, 'key.pem')) },
    });
    const { port: p } = await s.listen(0);
    const c = await MllpClient.connect(p, '127.0.0.1', { tls: { ca: cert, servername: 'localhost' } });
    expect(readAck(await c.send(sampleDft({ index: 10 }))).code).toBe('AA');
    await c.close();
    await s.close();
    rmSync(tdir, { recursive: true, force: true });
  });
});

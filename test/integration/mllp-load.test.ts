// The bench's MLLP load generator (a worker thread, one message in flight per connection) against the
// real listener and a real SQLite sink: every message is answered and counted by its own ACK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMllpServer, type MllpServer } from '../../integrations/hl7/mllp.js';
import { sendAllFromWorker } from '../../integrations/hl7/mllp-load.js';
import { generic25 } from '../../integrations/hl7/profiles.js';
import { sampleDft } from '../../integrations/hl7/sample.js';
import { openSqliteIntakeSink, type SqliteIntakeSink } from '../helpers/sqlite-intake-sink.js';

let dir: string;
let sink: SqliteIntakeSink;
let server: MllpServer;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-mllp-load-'));
  sink = openSqliteIntakeSink(join(dir, 'intake.sqlite'));
  server = createMllpServer({
    sink,
    profile: generic25,
    logger: { info() {}, warn() {}, error() {} },
    maxMessageBytes: 1_048_576,
    idleTimeoutMs: 0,
    maxConnections: 8,
  });
  ({ port } = await server.listen(0));
});

afterAll(async () => {
  await server.close();
  sink.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MLLP load generator', () => {
  it('sends every message over several connections and reads each ACK code, AR for junk', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => sampleDft({ index: i, controlId: `LOAD${i}` }));
    messages[7] = 'this is not HL7';
    const r = await sendAllFromWorker(port, messages, { connections: 3 });
    expect(r.codes.filter((c) => c === 'AA')).toHaveLength(39);
    expect(r.codes[7]).toBe('AR');
    expect(r.elapsedMs).toBeGreaterThan(0);
    const stored = sink.store.sqlite
      .prepare("SELECT count(*) FROM inbound_messages WHERE control_id LIKE 'LOAD%'")
      .pluck()
      .get();
    expect(stored).toBe(39);
  });

  it('reports a listener that is not there as an error', async () => {
    await expect(sendAllFromWorker(1, ['MSH|^~\\&|x'], { connections: 1 })).rejects.toThrow(
      /MLLP load generator/,
    );
  });
});

// `claimbox bench` figures for HL7 intake (issue 3 speed targets):
//  - parse+map of a ~3 KB DFT^P03 with our parser (target ≥ 50,000/s) beside hl7-standard and
//    simple-hl7 in the same run, each doing parse plus the same handful of field reads;
//  - MLLP messages/s with the ACK sent only after a durable commit (synchronous=FULL, group
//    commit), over 1 connection (target ≥ 1,000/s) and 8 connections (target ≥ 2,000/s), each
//    connection waiting for its ACK before the next message, as EHR interfaces send.
// Medians of several rounds. The durable sink is passed in by the caller (the core's real sink);
// by default the SQLite test sink from test/helpers with the same semantics.

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntakeSink } from '../../appliance/ports.js';
import { toEnvelope } from './map.js';
import { createMllpServer, sendAll } from './mllp.js';
import { parseMessage } from './parse.js';
import { generic25 } from './profiles.js';
import { sampleDft } from './sample.js';

export type BenchRow = { name: string; value: number; unit: string; note?: string };

export interface BenchHl7Options {
  /** Opens a durable sink on a fresh database file. */
  openSink?: (
    path: string,
  ) => Promise<{ sink: IntakeSink; close(): void }> | { sink: IntakeSink; close(): void };
  /** Timed rounds per figure (median reported). */
  rounds?: number;
  /** Messages per MLLP round. */
  mllpMessages?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Messages per second of fn over the corpus, median of rounds, each round at least ~150 ms. */
function rate(corpus: (string | Buffer)[], fn: (m: string | Buffer) => unknown, rounds: number): number {
  for (let i = 0; i < Math.min(200, corpus.length * 2); i++) fn(corpus[i % corpus.length]!); // warm up
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < 150) {
      for (const m of corpus) fn(m);
      n += corpus.length;
      t = performance.now();
    }
    rates.push((n / (t - t0)) * 1000);
  }
  return Math.round(median(rates));
}

async function defaultSink(path: string) {
  // Test helper with the production store semantics; the lead passes the core's sink instead.
  const mod = (await import('../../test/helpers/sqlite-intake-sink.js')) as {
    openSqliteIntakeSink(p: string): { close(): void } & IntakeSink;
  };
  const sink = mod.openSqliteIntakeSink(path);
  return { sink, close: () => sink.close() };
}

export async function benchHl7(opts: BenchHl7Options = {}): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 5;
  const rows: BenchRow[] = [];
  const texts = Array.from({ length: 50 }, (_, i) => sampleDft({ index: i }));
  const bufs = texts.map((t) => Buffer.from(t));
  const bytes = Math.round(bufs.reduce((n, b) => n + b.length, 0) / bufs.length);
  const note = `DFT^P03 ~${bytes} B, 6 FT1, 4 DG1, 2 IN1`;

  rows.push({
    name: 'hl7 parse+map (claimbox)',
    value: rate(bufs, (b) => toEnvelope(b as Buffer, 'mllp', generic25), rounds),
    unit: 'msg/s',
    note: `${note}; bytes → InboundEnvelope with EncounterInput; target ≥ 50,000`,
  });
  rows.push({
    name: 'hl7 parse (claimbox)',
    value: rate(texts, (t) => parseMessage(t as string), rounds),
    unit: 'msg/s',
    note,
  });

  const require = createRequire(import.meta.url);
  try {
    const HL7 = require('hl7-standard') as new (raw: string) => {
      transform(): void;
      get(p: string): unknown;
    };
    rows.push({
      name: 'hl7 parse (hl7-standard)',
      value: rate(
        texts,
        (t) => {
          const h = new HL7(t as string);
          h.transform();
          h.get('PID.3.1');
          h.get('PV1.19.1');
        },
        rounds,
      ),
      unit: 'msg/s',
      note: `${note}; transform() + 2 field reads`,
    });
  } catch (err) {
    rows.push({
      name: 'hl7 parse (hl7-standard)',
      value: 0,
      unit: 'msg/s',
      note: `not available: ${String(err)}`,
    });
  }
  try {
    const simple = require('simple-hl7') as {
      Parser: new () => { parse(s: string): { getSegment(id: string): { getField(n: number): unknown } } };
    };
    const parser = new simple.Parser();
    rows.push({
      name: 'hl7 parse (simple-hl7)',
      value: rate(
        texts,
        (t) => {
          const m = parser.parse(t as string);
          m.getSegment('PID').getField(3);
          m.getSegment('PV1').getField(19);
        },
        rounds,
      ),
      unit: 'msg/s',
      note: `${note}; parse() + 2 field reads`,
    });
  } catch (err) {
    rows.push({
      name: 'hl7 parse (simple-hl7)',
      value: 0,
      unit: 'msg/s',
      note: `not available: ${String(err)}`,
    });
  }

  // MLLP with ACK after durable commit.
  const n = opts.mllpMessages ?? 2000;
  const open = opts.openSink ?? defaultSink;
  for (const connections of [1, 8]) {
    const rates: number[] = [];
    for (let r = 0; r < Math.min(rounds, 3); r++) {
      const dir = mkdtempSync(join(tmpdir(), 'claimbox-bench-hl7-'));
      const { sink, close } = await open(join(dir, 'intake.sqlite'));
      const server = createMllpServer({
        sink,
        profile: generic25,
        logger: { info() {}, warn() {}, error() {} },
        maxMessageBytes: 1 << 20,
        idleTimeoutMs: 0,
        maxConnections: 16,
      });
      try {
        const { port } = await server.listen(0);
        const msgs = Array.from({ length: n }, (_, i) =>
          sampleDft({ index: i, controlId: `B${connections}R${r}M${i}` }),
        );
        const res = await sendAll(port, msgs, { connections });
        const ok = res.codes.filter((c) => c === 'AA').length;
        if (ok !== n) throw new Error(`only ${ok}/${n} AA`);
        rates.push((n / res.elapsedMs) * 1000);
      } finally {
        await server.close();
        close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    rows.push({
      name: `mllp ${connections} connection${connections > 1 ? 's' : ''}, ACK after durable commit`,
      value: Math.round(median(rates)),
      unit: 'msg/s',
      note: `${n} msgs, one in flight per connection, SQLite WAL synchronous=FULL, group commit; target ≥ ${connections > 1 ? '2,000' : '1,000'}`,
    });
  }
  return rows;
}

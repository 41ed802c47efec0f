// An MLLP load generator on its own thread, for `claimbox bench`: the EHR is another machine, so
// its client should not share the listener's event loop (in the same loop, framing and ACK parsing
// for the client cost the server about a third of its CPU; wrk plays the same role for /health).
// Plain JavaScript with no imports from this project, so it runs the same from the sources and from
// the compiled dist/. Each connection keeps one message in flight and sends the next only after the
// ACK arrives, as EHR interfaces do.
import { Worker } from 'node:worker_threads';

export interface LoadResult {
  /** MSA-1 of each message's ACK, by message index ('' if none came back). */
  codes: string[];
  /** From the first send to the last ACK, all connections already open. */
  elapsedMs: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, host, messages, connections } = workerData;
const codes = new Array(messages.length).fill('');
const VT = 0x0b, FS = 0x1c, CR = 0x0d;

function msaCode(frame) {
  // The MSA segment (not "MSA" inside some MSH field): a segment starts after a CR.
  const text = frame.toString('latin1');
  const at = text.indexOf('\\rMSA');
  if (at < 0) return '';
  const fieldSep = text.charAt(at + 4);
  return text.slice(at + 5).split(fieldSep)[0].split('\\r')[0];
}

function open() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

async function main() {
  const sockets = await Promise.all(Array.from({ length: connections }, open));
  const t0 = performance.now();
  await Promise.all(sockets.map((s, c) => new Promise((resolve, reject) => {
    const mine = [];
    for (let i = c; i < messages.length; i += connections) mine.push(i);
    let next = 0;
    let buf = Buffer.alloc(0);
    const send = () => {
      if (next >= mine.length) { s.end(); resolve(); return; }
      const m = Buffer.from(messages[mine[next]], 'latin1');
      s.write(Buffer.concat([Buffer.from([VT]), m, Buffer.from([FS, CR])]));
    };
    s.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const end = buf.indexOf(FS);
        if (end < 0 || end + 1 >= buf.length) break;
        const start = buf.indexOf(VT);
        codes[mine[next]] = msaCode(buf.subarray(start + 1, end));
        buf = buf.subarray(end + 2);
        next++;
        send();
      }
    });
    s.on('error', reject);
    s.on('close', () => (next >= mine.length ? resolve() : reject(new Error('connection closed early'))));
    send();
  })));
  parentPort.postMessage({ codes, elapsedMs: performance.now() - t0 });
}
main().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

/** Send every message over `connections` connections from a worker thread; resolves with the ACK codes. */
export function sendAllFromWorker(
  port: number,
  messages: string[],
  o: { host?: string; connections?: number } = {},
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, {
      eval: true,
      workerData: {
        port,
        host: o.host ?? '127.0.0.1',
        messages,
        connections: Math.max(1, o.connections ?? 1),
      },
    });
    w.once('message', (m: LoadResult | { error: string }) => {
      void w.terminate();
      if ('error' in m) reject(new Error(`MLLP load generator: ${m.error}`));
      else resolve(m);
    });
    w.once('error', reject);
  });
}

// MLLP listener (thin shell): sockets in, InboundEnvelopes to the durable sink, ACKs out.
// The rule that matters: AA (or CA) is written only after sink.accept() resolved, i.e. after the
// message is committed to disk; ACKs on one connection go out in the order the messages came in.

import net from 'node:net';
import tls from 'node:tls';
import type { IntakeSink, Clock } from '../../appliance/ports.js';
import { systemClock } from '../../appliance/ports.js';
import {
  ackDecision,
  buildAck,
  headerOf,
  readAck,
  scrapeHeader,
  type AckError,
  type AckHeader,
} from './ack.js';
import { errorCodeFor, toEnvelope } from './map.js';
import { MllpDecoder, frame, type FrameEvent } from './mllp-frame.js';
import type { Hl7Profile } from './profiles.js';

/** The few logger methods we use (pino's Logger satisfies it). Never log message content: PHI. */
export interface Hl7Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MllpServerOptions {
  sink: IntakeSink;
  profile: Hl7Profile;
  logger: Hl7Logger;
  /** Frames larger than this get AR and are skipped (intake.mllp.max_message_bytes). */
  maxMessageBytes: number;
  /** Close a connection with nothing in flight after this long without data; 0 = never. */
  idleTimeoutMs: number;
  /** Further connections are closed at once (Mirth's default is 10). */
  maxConnections: number;
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; requestClientCert?: boolean };
  clock?: Clock;
  /** MSH-10 of our ACKs; defaults to a time-based counter. */
  ackControlId?: () => string;
  /** Messages in flight per connection before reading pauses (backpressure). */
  maxInFlightPerConnection?: number;
}

export interface MllpStats {
  connections: number;
  connectionsRefused: number;
  received: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  ignored: number;
  rejected: number;
  storeErrors: number;
  oversize: number;
  truncated: number;
  junkBytes: number;
  intakeStopped: string | null;
}

export interface MllpServer {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
  /** New messages get AR "intake stopped: reason" (power policy); in-flight ones finish. */
  stopIntake(reason: string): void;
  resumeIntake(): void;
  stats(): MllpStats;
}

type Outcome = { code: 'AA' | 'AE' | 'AR'; text: string; error?: AckError; header: AckHeader };

export function createMllpServer(opts: MllpServerOptions): MllpServer {
  const clock = opts.clock ?? systemClock;
  let seq = 0;
  const ackId =
    opts.ackControlId ??
    (() => `CB${clock.now().toString(36).toUpperCase()}${(seq++ % 1_000_000).toString(36).toUpperCase()}`);
  const maxInFlight = opts.maxInFlightPerConnection ?? 256;
  const sockets = new Set<net.Socket>();
  const pending = new Set<Promise<void>>();
  let stopped: string | null = null;
  let closing = false;
  const stats: MllpStats = {
    connections: 0,
    connectionsRefused: 0,
    received: 0,
    accepted: 0,
    duplicates: 0,
    quarantined: 0,
    ignored: 0,
    rejected: 0,
    storeErrors: 0,
    oversize: 0,
    truncated: 0,
    junkBytes: 0,
    intakeStopped: null,
  };

  const reject = (
    header: AckHeader,
    text: string,
    hl7Code: AckError['hl7Code'],
    extra?: Partial<AckError>,
  ): Outcome => ({
    code: 'AR',
    text,
    header,
    error: { hl7Code, text, ...extra },
  });

  /** When each connection last handed in a message: a connection busy within BUSY_MS is a peer. */
  const lastMessageAt = new Map<net.Socket, number>();
  const BUSY_MS = 20;
  function peersOf(socket: net.Socket, now: number): number {
    let n = 0;
    for (const [s, at] of lastMessageAt) if (s !== socket && now - at < BUSY_MS) n++;
    return n;
  }

  async function handle(payload: Buffer, peers: number): Promise<Outcome> {
    stats.received++;
    if (stopped !== null) {
      stats.rejected++;
      return reject(scrapeHeader(payload), `intake stopped: ${stopped}`, '207');
    }
    const r = toEnvelope(payload, 'mllp', opts.profile);
    const header = r.message ? headerOf(r.message) : scrapeHeader(payload);
    if (r.reject || !r.envelope) {
      stats.rejected++;
      const why = r.reject ?? {
        code: 'HL7_UNPARSEABLE',
        reason: 'not an HL7 v2 message',
        hl7Code: '100' as const,
      };
      opts.logger.warn({ code: why.code, controlId: header.controlId }, 'mllp: message rejected');
      const loc =
        why.hl7Code === '200' || why.hl7Code === '201' ? { segment: 'MSH', field: 9 } : { segment: 'MSH' };
      return reject(header, why.reason, why.hl7Code, loc);
    }
    try {
      // Peers let the group commit wait a moment for their messages (one fsync for the convoy).
      const res = await opts.sink.accept(r.envelope, { peers });
      switch (res.status) {
        case 'accepted':
          stats.accepted++;
          return { code: 'AA', text: '', header };
        case 'duplicate':
          stats.duplicates++;
          return { code: 'AA', text: 'duplicate: already received', header };
        case 'ignored':
          stats.ignored++;
          return { code: 'AA', text: r.envelope.ignore ?? res.reason ?? 'not used for billing', header };
        case 'quarantined': {
          stats.quarantined++;
          const q = r.envelope.quarantine;
          const dx = r.diagnostics.find((x) => x.severity === 'error' && x.code === q?.code);
          const field = dx?.field ? Number(dx.field.split('-')[1]) : undefined;
          const error: AckError = {
            hl7Code: errorCodeFor(q?.code ?? ''),
            text: q?.reason ?? res.reason ?? 'quarantined',
          };
          if (dx?.segment) error.segment = dx.segment;
          if (field) error.field = field;
          return { code: 'AE', text: `stored in quarantine: ${error.text}`, header, error };
        }
      }
    } catch (err) {
      stats.storeErrors++;
      opts.logger.error(
        { err: err instanceof Error ? err.message : String(err), controlId: header.controlId },
        'mllp: could not store message',
      );
      return reject(header, 'message could not be stored; resend later', '207');
    }
  }

  function onConnection(socket: net.Socket) {
    if (closing || sockets.size >= opts.maxConnections) {
      stats.connectionsRefused++;
      opts.logger.warn(
        { remote: socket.remoteAddress, limit: opts.maxConnections },
        'mllp: connection refused (limit)',
      );
      socket.destroy();
      return;
    }
    sockets.add(socket);
    stats.connections++;
    socket.setNoDelay(true);
    const decoder = new MllpDecoder(opts.maxMessageBytes);
    let chain: Promise<void> = Promise.resolve();
    let inFlight = 0;
    let paused = false;
    const remote = socket.remoteAddress;

    const send = (o: Outcome) => {
      const decision = ackDecision(o.header, o.code);
      if (!decision.send || socket.destroyed) return;
      const ack = buildAck({
        header: o.header,
        code: decision.code,
        text: o.text,
        ...(o.error ? { error: o.error } : {}),
        now: new Date(clock.now()),
        controlId: ackId(),
      });
      socket.write(frame(ack));
    };

    const enqueue = (work: Promise<Outcome>) => {
      inFlight++;
      if (inFlight >= maxInFlight && !paused) {
        paused = true;
        socket.pause();
      }
      const p = chain.then(async () => {
        send(await work);
        inFlight--;
        if (paused && inFlight < maxInFlight / 2) {
          paused = false;
          socket.resume();
        }
      });
      chain = p;
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };

    const onEvent = (ev: FrameEvent) => {
      switch (ev.type) {
        case 'message':
          // Started at once so close-together messages share a group commit; ACKed in order.
          {
            const now = performance.now();
            lastMessageAt.set(socket, now);
            enqueue(handle(ev.payload, peersOf(socket, now)));
          }
          return;
        case 'oversize':
          stats.received++;
          stats.oversize++;
          stats.rejected++;
          opts.logger.warn({ size: ev.size, limit: opts.maxMessageBytes, remote }, 'mllp: message too large');
          enqueue(
            Promise.resolve(
              reject(
                scrapeHeader(ev.head),
                `message of ${ev.size} bytes exceeds the ${opts.maxMessageBytes}-byte limit`,
                '207',
              ),
            ),
          );
          return;
        case 'truncated':
          stats.truncated++;
          opts.logger.warn({ size: ev.size, remote }, 'mllp: frame cut short by a new start byte');
          if (scrapeHeader(ev.head).controlId) {
            stats.received++;
            stats.rejected++;
            enqueue(
              Promise.resolve(
                reject(
                  scrapeHeader(ev.head),
                  'frame truncated: no end block (0x1C 0x0D) before the next start byte',
                  '100',
                ),
              ),
            );
          }
          return;
        case 'junk':
          stats.junkBytes += ev.size;
          return;
      }
    };

    socket.on('data', (chunk: Buffer) => {
      for (const ev of decoder.push(chunk)) onEvent(ev);
    });
    if (opts.idleTimeoutMs > 0) {
      socket.setTimeout(opts.idleTimeoutMs, () => {
        if (inFlight === 0) {
          opts.logger.info({ remote }, 'mllp: idle timeout, closing');
          socket.end();
        }
      });
    }
    socket.on('error', (err) => {
      opts.logger.warn({ remote, err: err.message }, 'mllp: socket error');
    });
    socket.on('close', () => {
      sockets.delete(socket);
      lastMessageAt.delete(socket);
      if (decoder.inFrame) {
        stats.truncated++;
        opts.logger.warn({ remote, size: decoder.buffered }, 'mllp: connection closed mid-frame');
      }
    });
  }

  const server = opts.tls
    ? tls.createServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ...(opts.tls.ca ? { ca: opts.tls.ca } : {}),
          requestCert: opts.tls.requestClientCert ?? false,
          rejectUnauthorized: opts.tls.requestClientCert ?? false,
        },
        onConnection,
      )
    : net.createServer(onConnection);
  server.on('error', (err: Error) => opts.logger.error({ err: err.message }, 'mllp: server error'));
  if (opts.tls)
    server.on('tlsClientError', (err: Error) =>
      opts.logger.warn({ err: err.message }, 'mllp: TLS handshake failed'),
    );

  return {
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(port, host, () => {
          server.off('error', rejectListen);
          const addr = server.address();
          resolve({ port: typeof addr === 'object' && addr ? addr.port : port });
        });
      });
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Let in-flight messages commit and their ACKs go out, then close connections.
      await Promise.allSettled([...pending]);
      for (const s of sockets) s.end();
      const deadline = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 2000);
      await closed;
      clearTimeout(deadline);
    },
    stopIntake(reason) {
      stopped = reason;
      stats.intakeStopped = reason;
      opts.logger.warn({ reason }, 'mllp: intake stopped');
    },
    resumeIntake() {
      stopped = null;
      stats.intakeStopped = null;
      opts.logger.info({}, 'mllp: intake resumed');
    },
    stats: () => ({ ...stats, connections: sockets.size }),
  };
}

// ------------------------------------------------------------------ client (tests, bench, demo feed)

export interface MllpClientOptions {
  tls?: { ca?: string | Buffer; servername?: string; rejectUnauthorized?: boolean };
  /** Give up on a connect, or on a missing ACK (closing the connection), after this long. */
  timeoutMs?: number;
}

/** One MLLP connection: send a message, get its ACK (in order). */
export class MllpClient {
  private decoder = new MllpDecoder(64 * 1024 * 1024);
  private waiting: { resolve: (ack: string) => void; reject: (e: Error) => void }[] = [];
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly ackTimeoutMs: number | undefined,
  ) {
    socket.on('data', (chunk: Buffer) => {
      for (const ev of this.decoder.push(chunk)) {
        if (ev.type === 'message') this.waiting.shift()?.resolve(ev.payload.toString('utf8'));
      }
    });
    const fail = (e: Error) => {
      this.closedError ??= e;
      for (const w of this.waiting.splice(0)) w.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect(port: number, host = '127.0.0.1', opts: MllpClientOptions = {}): Promise<MllpClient> {
    return new Promise((resolve, reject) => {
      const ready = () => {
        socket.setTimeout(0);
        socket.off('error', reject);
        resolve(new MllpClient(socket, opts.timeoutMs));
      };
      const socket = opts.tls
        ? tls.connect({ port, host, ...opts.tls }, ready)
        : net.connect({ port, host }, ready);
      socket.setNoDelay(true);
      socket.once('error', reject);
      if (opts.timeoutMs)
        socket.setTimeout(opts.timeoutMs, () => socket.destroy(new Error('connect timeout')));
    });
  }

  /** Write raw bytes (framed or not): for tests of broken input. */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * Expect one more ACK (after writeRaw of a frame). With timeoutMs, a missing ACK closes the
   * connection: after a lost ACK the stream can no longer be matched up, so the caller reconnects
   * and resends (the listener dedupes).
   */
  nextAck(): Promise<string> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      if (this.ackTimeoutMs)
        timer = setTimeout(() => this.socket.destroy(new Error('no ACK within timeout')), this.ackTimeoutMs);
      this.waiting.push({
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** True once the connection failed or closed: make a new client. */
  get closed(): boolean {
    return this.closedError !== undefined || this.socket.destroyed;
  }

  send(message: string | Buffer): Promise<string> {
    const p = this.nextAck();
    this.socket.write(frame(message));
    return p;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface SendAllResult {
  /** ACK code per message index ('' when no ACK came back). */
  codes: string[];
  acks: string[];
  elapsedMs: number;
}

/**
 * Send messages over `connections` connections (message i on connection i % connections), each
 * connection waiting for every ACK before its next message (how EHR interfaces send), or keeping
 * up to `window` in flight.
 */
export async function sendAll(
  port: number,
  messages: (string | Buffer)[],
  o: { host?: string; connections?: number; window?: number; client?: MllpClientOptions } = {},
): Promise<SendAllResult> {
  const k = Math.max(1, o.connections ?? 1);
  const window = Math.max(1, o.window ?? 1);
  const codes: string[] = new Array<string>(messages.length).fill('');
  const acks: string[] = new Array<string>(messages.length).fill('');
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: k }, async (_, c) => {
      const client = await MllpClient.connect(port, o.host, o.client);
      try {
        const mine: number[] = [];
        for (let i = c; i < messages.length; i += k) mine.push(i);
        let next = 0;
        const worker = async () => {
          while (next < mine.length) {
            const i = mine[next++]!;
            const ack = await client.send(messages[i]!);
            acks[i] = ack;
            codes[i] = readAck(ack).code;
          }
        };
        await Promise.all(Array.from({ length: window }, worker));
      } finally {
        await client.close();
      }
    }),
  );
  return { codes, acks, elapsedMs: performance.now() - t0 };
}

// Watched inbox for HL7 files (thin shell over toEnvelope + the sink). A file is taken only once it
// has settled (same size and mtime on two scans, and older than settle_ms), claimed by an atomic
// rename into inbox/.processing, stored through the sink, and only then archived. Files that hold
// no usable message go to the quarantine folder with a `<name>.reason` file beside them.
// A crash leaves the file in .processing; the next start takes it again (the sink dedupes).

import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, IntakeChannel, IntakeSink } from '../../appliance/ports.js';
import { systemClock } from '../../appliance/ports.js';
import { toEnvelope, type EnvelopeResult } from './map.js';
import type { Hl7Logger } from './mllp.js';
import { decodeBytes, splitBatch } from './parse.js';
import type { Hl7Profile } from './profiles.js';

export interface FileDropOptions {
  inbox: string;
  archive: string;
  quarantine: string;
  /** A file must be unchanged and this old before it is taken (intake.file.settle_ms). */
  settleMs: number;
  pollMs: number;
  sink: IntakeSink;
  profile: Hl7Profile;
  logger: Hl7Logger;
  clock?: Clock;
}

export interface FileDropScan {
  /** Files taken and finished this scan. */
  archived: number;
  quarantined: number;
  /** Messages handed to the sink. */
  messages: number;
  /** Files seen but not settled yet. */
  waiting: number;
  /** Files left in .processing because the store failed (retried next scan). */
  failed: number;
}

export interface FileDrop {
  scanOnce(): Promise<FileDropScan>;
  start(): void;
  stop(): Promise<void>;
}

const PROCESSING = '.processing';

export interface Hl7FileContent {
  /** One per message found (none when the file holds no MSH at all). */
  results: EnvelopeResult[];
  /** Messages that are rejected or quarantined, with a line for the `.reason` file. */
  bad: { index: number; text: string; reason: string }[];
  isBatch: boolean;
}

/** Split a file's bytes (single message or FHS/BHS batch) and map every message. Pure. */
export function readHl7File(raw: Buffer, channel: IntakeChannel, profile: Hl7Profile): Hl7FileContent {
  const { text } = decodeBytes(raw);
  const batch = splitBatch(text).value;
  const single = batch.messages.length === 1 && !batch.isBatch;
  // A single message keeps its exact bytes (windows-1252 stays as sent) for replay.
  const results = batch.messages.map((m) =>
    toEnvelope(single ? raw : Buffer.from(m.text, 'utf8'), channel, profile),
  );
  const bad: Hl7FileContent['bad'] = [];
  results.forEach((r, index) => {
    const why = r.reject ?? r.envelope?.quarantine;
    if (!why) return;
    const ctl = r.envelope?.controlId ?? r.message?.controlId;
    bad.push({
      index,
      text: batch.messages[index]!.text,
      reason: `message ${index + 1}${ctl ? ` (MSH-10 ${ctl})` : ''}: ${why.code}: ${why.reason}`,
    });
  });
  return { results, bad, isBatch: batch.isBatch };
}

export function createFileDrop(o: FileDropOptions): FileDrop {
  const clock = o.clock ?? systemClock;
  const seen = new Map<string, { size: number; mtimeMs: number }>();
  const processing = join(o.inbox, PROCESSING);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function uniquePath(dir: string, name: string): Promise<string> {
    for (let k = 0; ; k++) {
      const candidate = join(dir, k === 0 ? name : `${name}.${k}`);
      try {
        await stat(candidate);
      } catch {
        return candidate;
      }
    }
  }

  async function quarantineFile(from: string, name: string, reasons: string[]) {
    const to = await uniquePath(o.quarantine, name);
    await writeFile(`${to}.reason`, reasons.join('\n') + '\n');
    await rename(from, to);
  }

  /** Store one claimed file; false if the store failed and the file must stay for a retry. */
  async function processFile(name: string, scan: FileDropScan): Promise<void> {
    const path = join(processing, name);
    const raw = await readFile(path);
    const { results, bad, isBatch } = readHl7File(raw, 'file', o.profile);
    if (results.length === 0) {
      await quarantineFile(path, name, ['HL7_NO_MSH: the file holds no HL7 message (no MSH segment)']);
      scan.quarantined++;
      o.logger.warn({ file: name }, 'file drop: no HL7 message, quarantined');
      return;
    }
    const single = results.length === 1 && !isBatch;
    try {
      // One await for the whole file: its messages share a group commit.
      await Promise.all(results.flatMap((r) => (r.envelope ? [o.sink.accept(r.envelope)] : [])));
    } catch (err) {
      scan.failed++;
      o.logger.error(
        { file: name, err: err instanceof Error ? err.message : String(err) },
        'file drop: store failed; will retry',
      );
      return;
    }
    scan.messages += results.filter((r) => r.envelope).length;
    if (single && bad.length) {
      await quarantineFile(
        path,
        name,
        bad.map((b) => b.reason),
      );
      scan.quarantined++;
      o.logger.warn(
        { file: name, code: results[0]?.reject?.code ?? results[0]?.envelope?.quarantine?.code },
        'file drop: quarantined',
      );
      return;
    }
    for (const b of bad) {
      const to = await uniquePath(o.quarantine, `${name}.msg${b.index + 1}.hl7`);
      await writeFile(to, b.text);
      await writeFile(`${to}.reason`, b.reason + '\n');
    }
    if (bad.length) scan.quarantined += bad.length;
    await rename(path, await uniquePath(o.archive, name));
    scan.archived++;
  }

  async function scanOnce(): Promise<FileDropScan> {
    const scan: FileDropScan = { archived: 0, quarantined: 0, messages: 0, waiting: 0, failed: 0 };
    await Promise.all(
      [o.inbox, processing, o.archive, o.quarantine].map((d) => mkdir(d, { recursive: true })),
    );
    // Leftovers of a crash (or of a failed store) first.
    for (const name of await readdir(processing)) await processFile(name, scan);
    const now = clock.now();
    const present = new Set<string>();
    for (const entry of await readdir(o.inbox, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      const name = entry.name;
      present.add(name);
      let st;
      try {
        st = await stat(join(o.inbox, name));
      } catch {
        continue;
      }
      const prev = seen.get(name);
      seen.set(name, { size: st.size, mtimeMs: st.mtimeMs });
      const stable = prev !== undefined && prev.size === st.size && prev.mtimeMs === st.mtimeMs;
      if (o.settleMs > 0 && (!stable || now - st.mtimeMs < o.settleMs)) {
        scan.waiting++;
        continue;
      }
      try {
        await rename(join(o.inbox, name), join(processing, name));
      } catch {
        continue; // another process claimed it
      }
      seen.delete(name);
      await processFile(name, scan);
    }
    for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
    return scan;
  }

  const loop = () => {
    if (stopped) return;
    running = scanOnce()
      .catch((err: unknown) =>
        o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'file drop: scan failed'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, o.pollMs);
      });
  };

  return {
    scanOnce,
    start() {
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

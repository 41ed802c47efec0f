import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileDrop, type FileDropOptions } from './file-drop.js';
import { generic25 } from './profiles.js';
import { sampleBatch, sampleDft } from './sample.js';
import { memorySink } from '../../test/helpers/sqlite-intake-sink.js';

const logger = { info() {}, warn() {}, error() {} };
const fixtures = new URL('../../test/fixtures/hl7/', import.meta.url);
let dir: string;
let opts: FileDropOptions & { sink: ReturnType<typeof memorySink> };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-drop-'));
  opts = {
    inbox: join(dir, 'inbox'),
    archive: join(dir, 'archive'),
    quarantine: join(dir, 'quarantine'),
    settleMs: 0,
    pollMs: 10,
    sink: memorySink(),
    profile: generic25,
    logger,
  };
  mkdirSync(opts.inbox, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('file drop', () => {
  it('stores a single message and archives the file', async () => {
    writeFileSync(join(opts.inbox, 'one.hl7'), sampleDft({ index: 1 }));
    const scan = await createFileDrop(opts).scanOnce();
    expect(scan).toMatchObject({ archived: 1, messages: 1, quarantined: 0 });
    expect(opts.sink.envelopes[0]).toMatchObject({ channel: 'file', controlId: 'MSG00000001' });
    expect(readdirSync(opts.archive)).toEqual(['one.hl7']);
    expect(readdirSync(opts.inbox)).toEqual(['.processing']);
  });

  it('splits an FHS/BHS batch with LF line ends into its messages', async () => {
    copyFileSync(new URL('batch-3.hl7', fixtures), join(opts.inbox, 'batch.hl7'));
    const scan = await createFileDrop(opts).scanOnce();
    expect(scan).toMatchObject({ archived: 1, messages: 3 });
    expect(opts.sink.envelopes.map((e) => e.messageType)).toEqual(['DFT^P03', 'DFT^P03', 'MDM^T02']);
  });

  it('waits for a file to settle (same size and mtime, older than settle_ms) before taking it', async () => {
    let now = Date.now();
    const drop = createFileDrop({ ...opts, settleMs: 5_000, clock: { now: () => now } });
    const full = sampleDft({ index: 2 });
    writeFileSync(join(opts.inbox, 'slow.hl7'), full.slice(0, 500));
    expect((await drop.scanOnce()).waiting).toBe(1);
    now += 10_000;
    // Still being written: the size changed since the last scan.
    writeFileSync(join(opts.inbox, 'slow.hl7'), full);
    expect((await drop.scanOnce()).waiting).toBe(1);
    now += 10_000;
    expect(await drop.scanOnce()).toMatchObject({ archived: 1, messages: 1, quarantined: 0 });
  });

  it('quarantines unparseable and unusable files with a .reason beside them', async () => {
    copyFileSync(new URL('broken/binary-junk.bin', fixtures), join(opts.inbox, 'junk.bin'));
    copyFileSync(new URL('broken/no-visit-number.hl7', fixtures), join(opts.inbox, 'novisit.hl7'));
    const scan = await createFileDrop(opts).scanOnce();
    expect(scan.quarantined).toBe(2);
    expect(readFileSync(join(opts.quarantine, 'junk.bin.reason'), 'utf8')).toMatch(/no HL7 message/);
    expect(readFileSync(join(opts.quarantine, 'novisit.hl7.reason'), 'utf8')).toMatch(
      /HL7_NO_VISIT_NUMBER: PV1-19/,
    );
    // The unusable message is still stored (quarantined), the junk is not.
    expect(opts.sink.envelopes.map((e) => e.quarantine?.code)).toEqual(['HL7_NO_VISIT_NUMBER']);
  });

  it('archives a batch and quarantines only its bad message', async () => {
    const text = sampleBatch([
      sampleDft({ index: 3 }),
      'MSH|^~\\&|A|B|C|D|2026||RDE^O11|BAD1|P|2.5',
      sampleDft({ index: 4 }),
    ]);
    writeFileSync(join(opts.inbox, 'mixed.hl7'), text);
    const scan = await createFileDrop(opts).scanOnce();
    expect(scan).toMatchObject({ archived: 1, messages: 2, quarantined: 1 });
    expect(readFileSync(join(opts.quarantine, 'mixed.hl7.msg2.hl7.reason'), 'utf8')).toMatch(
      /BAD1.*HL7_UNSUPPORTED_TYPE/,
    );
  });

  it('leaves the file claimed when the store fails, and finishes it on the next scan', async () => {
    writeFileSync(join(opts.inbox, 'retry.hl7'), sampleDft({ index: 5 }));
    const drop = createFileDrop(opts);
    opts.sink.fail = new Error('disk full');
    expect((await drop.scanOnce()).failed).toBe(1);
    expect(existsSync(join(opts.inbox, '.processing', 'retry.hl7'))).toBe(true);
    opts.sink.fail = undefined;
    expect((await drop.scanOnce()).archived).toBe(1);
    expect(opts.sink.envelopes).toHaveLength(1);
  });

  it('keeps polling after start() and stops cleanly', async () => {
    const drop = createFileDrop(opts);
    drop.start();
    writeFileSync(join(opts.inbox, 'later.hl7'), sampleDft({ index: 6 }));
    while (opts.sink.envelopes.length === 0) await new Promise((r) => setTimeout(r, 10));
    await drop.stop();
    expect(opts.sink.envelopes).toHaveLength(1);
  });
});

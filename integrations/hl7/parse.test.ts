import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  all,
  components,
  decodeBytes,
  first,
  get,
  parseMessage,
  repetitions,
  splitBatch,
  unescape,
  escape,
  DEFAULT_DELIMITERS,
} from './parse.js';
import { sampleDft, sampleBatch, sampleMdm } from './sample.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/hl7/${name}`, import.meta.url));

describe('parseMessage', () => {
  it('reads delimiters, fields, components, repetitions and subcomponents, when MSH is standard', () => {
    const { value: m, diagnostics } = parseMessage(sampleDft({ index: 1 }));
    expect(diagnostics).toEqual([]);
    expect(m!.messageCode).toBe('DFT');
    expect(m!.triggerEvent).toBe('P03');
    expect(m!.controlId).toBe('MSG00000001');
    expect(m!.version).toBe('2.5.1');
    const msh = m!.segments[0];
    expect(get(m!, msh, 1)).toBe('|');
    expect(get(m!, msh, 2)).toBe('^~\\&');
    const pid = first(m!, 'PID');
    expect(get(m!, pid, 5, 1)).toBe('Sampleton');
    expect(get(m!, pid, 3, 1, 1, 1)).toBe('000000001');
    expect(repetitions(m!, pid, 3)).toHaveLength(2);
    const ft1 = all(m!, 'FT1')[0];
    expect(get(m!, ft1, 11, 1, 1)).toBe('80.00');
    expect(all(m!, 'FT1')).toHaveLength(6);
  });

  it('keeps Z-segments in the tree, when present', () => {
    const { value: m } = parseMessage(sampleDft({ index: 1 }));
    expect(get(m!, first(m!, 'ZPV'), 2)).toBe('internal|note');
  });

  it('gives the same tree, whatever the segment terminator (CR, LF, CRLF)', () => {
    const cr = parseMessage(sampleDft({ index: 3 })).value!;
    for (const eol of ['\n', '\r\n']) {
      const other = parseMessage(sampleDft({ index: 3, eol })).value!;
      expect(other.segments.map((s) => s.fields)).toEqual(cr.segments.map((s) => s.fields));
    }
  });

  it('skips a byte order mark and leading blank lines, when present', () => {
    const { value, diagnostics } = parseMessage('\ufeff\r\n' + sampleDft({ index: 1 }));
    expect(diagnostics).toEqual([]);
    expect(value!.controlId).toBe('MSG00000001');
  });

  it('honours odd delimiters declared in MSH-1 and MSH-2', () => {
    const { value: m, diagnostics } = parseMessage(fixture('dft-p03-odd-delimiters.hl7').toString('utf8'));
    expect(diagnostics).toEqual([]);
    expect(m!.delimiters).toMatchObject({
      field: '#',
      component: '$',
      repetition: '*',
      escape: '@',
      subcomponent: '%',
    });
    expect(get(m!, first(m!, 'PID'), 3, 1, 1, 1)).toBe('000000006');
    expect(get(m!, first(m!, 'PV2'), 12)).toBe('Office visit % labs'); // \T\ is this message's subcomponent delimiter
  });

  it('accepts versions 2.3 to 2.8 and warns outside them', () => {
    expect(parseMessage(sampleDft({ index: 1, version: '2.3' })).diagnostics).toEqual([]);
    expect(parseMessage(sampleDft({ index: 1, version: '2.8' })).diagnostics).toEqual([]);
    expect(parseMessage(sampleDft({ index: 1, version: '2.9' })).diagnostics[0]?.code).toBe('HL7_VERSION');
  });

  it('returns diagnostics with positions instead of throwing, when MSH is bad', () => {
    expect(parseMessage('').diagnostics[0]?.code).toBe('HL7_NO_MSH');
    expect(parseMessage('PID|1').diagnostics[0]?.code).toBe('HL7_NO_MSH');
    expect(parseMessage('MSH|^~').diagnostics[0]?.code).toBe('HL7_BAD_MSH');
    const dup = parseMessage('MSH|^^\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5');
    expect(dup.value).toBeUndefined();
    expect(dup.diagnostics[0]).toMatchObject({ code: 'HL7_BAD_DELIMITERS', segment: 'MSH', field: 'MSH-2' });
    const junk = parseMessage('MSH|^~\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5\r@@garbage\rPID|1');
    expect(junk.value!.segments.map((s) => s.id)).toEqual(['MSH', 'PID']);
    expect(junk.diagnostics[0]).toMatchObject({ code: 'HL7_BAD_SEGMENT_ID', segment: '#1' });
  });

  it('builds fields on demand as the split of the segment, with MSH-1 inserted, when asked for', () => {
    const text = 'MSH|^~\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5\rPID|1||X^^^Y^MR~Z||Doe^Jo|';
    const m = parseMessage(text).value!;
    expect(m.segments[0]!.fields.slice(0, 4)).toEqual(['MSH', '|', '^~\\&', 'A']);
    expect(m.segments[1]!.fields).toEqual(['PID', '1', '', 'X^^^Y^MR~Z', '', 'Doe^Jo', '']);
    expect(JSON.parse(JSON.stringify(m.segments[1]))).toEqual({
      id: 'PID',
      index: 1,
      offset: text.indexOf('PID'),
      fields: ['PID', '1', '', 'X^^^Y^MR~Z', '', 'Doe^Jo', ''],
    });
  });

  it('reads a field past the last one, or a component past the last, as empty', () => {
    const m = parseMessage('MSH|^~\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5\rPID|1||X^^^Y^MR').value!;
    const pid = first(m, 'PID');
    expect(get(m, pid, 9)).toBe('');
    expect(get(m, pid, 3, 6)).toBe('');
    expect(get(m, pid, 3, 1, 1, 1)).toBe('');
    expect(get(m, pid, 0)).toBe('PID');
  });

  it('reads the HL7 explicit null "" as empty', () => {
    const { value: m } = parseMessage('MSH|^~\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5\rPID|1||""');
    expect(get(m!, first(m!, 'PID'), 3)).toBe('');
  });
});

describe('components', () => {
  it('gives every repetition of a field as its components, each read as get() reads it', () => {
    const text =
      'MSH|^~\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5\r' +
      'FT1|1' +
      '|'.repeat(18) + // FT1-2 to FT1-18 empty
      'E11.9^Type 2 \\T\\ more^I10~""^x&sub^L~~I10^Essential^I10';
    const m = parseMessage(text).value!;
    const ft1 = first(m, 'FT1');
    const reps = components(m, ft1, 19);
    expect(reps).toEqual([
      ['E11.9', 'Type 2 & more', 'I10'],
      ['', 'x', 'L'],
      [''],
      ['I10', 'Essential', 'I10'],
    ]);
    reps.forEach((r, rep) => r.forEach((v, c) => expect(v).toBe(get(m, ft1, 19, c + 1, 1, rep))));
    expect(components(m, ft1, 19, 1)).toEqual([reps[0]]);
    expect(components(m, ft1, 18)).toEqual([]);
    expect(components(m, ft1, 40)).toEqual([]);
  });

  it('keeps only the first maxComps components of each repetition, when capped', () => {
    const text =
      'MSH|^~\\&|A|B|C|D|20260101||DFT^P03|1|P|2.5\r' +
      'FT1|1' +
      '|'.repeat(18) +
      'E11.9^Type 2 \\T\\ more^I10^x~R51.9~^^L~J02.9^Pharyngitis';
    const m = parseMessage(text).value!;
    const ft1 = first(m, 'FT1');
    const reps = components(m, ft1, 19);
    for (const maxComps of [1, 2, 3, 4, 5])
      for (const maxReps of [1, 2, Infinity])
        expect(components(m, ft1, 19, maxReps, maxComps)).toEqual(
          reps.slice(0, maxReps).map((r) => r.slice(0, maxComps)),
        );
  });
});

describe('reads from bytes', () => {
  const reads = (text: string, bytes?: Buffer) => {
    const m = parseMessage(text, bytes).value!;
    return m.segments.map((seg) =>
      seg.fields.map((_, n) => [
        get(m, seg, n, 2),
        get(m, seg, n, 1, 2, 1),
        components(m, seg, n, Infinity, 3),
      ]),
    );
  };

  it('reads the same from the bytes as from the text, whatever the charset of the fixture', () => {
    for (const name of [
      'dft-p03.hl7',
      'dft-p03-bom.hl7',
      'dft-p03-crlf.hl7',
      'dft-p03-odd-delimiters.hl7',
      'dft-p03-win1252.hl7',
      'dental-dft-p03.hl7',
    ]) {
      const raw = fixture(name);
      const { text } = decodeBytes(raw);
      expect(reads(text, raw)).toEqual(reads(text));
    }
  });

  it('reads non-ASCII text right, when a multi-byte char shifts bytes against chars', () => {
    const raw = Buffer.from(sampleDft({ index: 2 }).replace('Example St', 'Exämple Stræt ^ 中'));
    const { text } = decodeBytes(raw);
    expect(reads(text, raw)).toEqual(reads(text));
    const m = parseMessage(text, raw).value!;
    expect(get(m, first(m, 'PID'), 11, 2)).toBe(' 中');
  });
});

describe('escapes', () => {
  it('resolves \\F\\ \\S\\ \\T\\ \\R\\ \\E\\, hex and line breaks', () => {
    const d = DEFAULT_DELIMITERS;
    expect(unescape('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', d)).toBe('a|b^c&d~e\\f');
    expect(unescape('x\\X0D0A\\y\\.br\\z', d)).toBe('x\r\ny\nz');
    expect(unescape('keep \\Q\\ unknown', d)).toBe('keep \\Q\\ unknown');
    expect(unescape('unterminated \\F', d)).toBe('unterminated \\F');
  });

  it('round-trips every delimiter through escape and unescape', () => {
    const s = 'a|b^c&d~e\\f';
    expect(unescape(escape(s), DEFAULT_DELIMITERS)).toBe(s);
  });
});

describe('splitBatch', () => {
  it('splits FHS/BHS/BTS/FTS batches into messages, with LF line ends', () => {
    const text = sampleBatch([sampleDft({ index: 1 }), sampleMdm({ index: 1 })], '\n');
    const { value, diagnostics } = splitBatch(text);
    expect(diagnostics).toEqual([]);
    expect(value.isBatch).toBe(true);
    expect(value.messages).toHaveLength(2);
    expect(parseMessage(value.messages[1]!.text).value!.messageCode).toBe('MDM');
  });

  it('warns when BTS-1 disagrees with the messages found', () => {
    const text = sampleBatch([sampleDft({ index: 1 })]).replace('BTS|1', 'BTS|2');
    expect(splitBatch(text).diagnostics[0]?.code).toBe('HL7_BATCH_COUNT');
  });

  it('gives one message for a plain message, and several for back-to-back MSH without envelopes', () => {
    expect(splitBatch(sampleDft({ index: 1 })).value.messages).toHaveLength(1);
    expect(splitBatch(sampleDft({ index: 1 }) + '\r' + sampleDft({ index: 2 })).value.messages).toHaveLength(
      2,
    );
  });
});

describe('decodeBytes', () => {
  it('falls back to windows-1252, when the bytes are not UTF-8', () => {
    const { text, charset } = decodeBytes(fixture('dft-p03-win1252.hl7'));
    expect(charset).toBe('windows-1252');
    expect(text).toContain('Zo\u00eb^');
  });
});

describe('interop', () => {
  it('reads a message built with hl7-standard the same way hl7-standard does', () => {
    const require = createRequire(import.meta.url);
    const HL7 = require('hl7-standard') as new (raw?: string) => {
      transform(): void;
      build(): string;
      get(path: string): unknown;
    };
    const src = sampleDft({ index: 21 });
    const h = new HL7(src);
    h.transform();
    const built = h.build();
    const m = parseMessage(built).value!;
    expect(get(m, first(m, 'PID'), 5, 1)).toBe(h.get('PID.5.1'));
    expect(get(m, first(m, 'PV1'), 19, 1)).toBe(h.get('PV1.19.1'));
    expect(m.controlId).toBe(h.get('MSH.10'));
  });
});

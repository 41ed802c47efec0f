// Segment terminators chosen per message (HL7 v2.5 §2.7: CR; \n and \r\n files as a tolerance) and
// MLLP framing bytes in files. Synthetic messages only: made-up names and ids, test NPI 1234567893.
import { describe, expect, it } from 'vitest';
import { all, get, parseMessage, splitBatch } from './parse.js';
import { errorCodeFor, toEnvelope } from './map.js';
import { readHl7File } from './file-drop.js';
import { generic25 } from './profiles.js';

const SEGS = [
  'MSH|^~\\&|TESTEHR|TESTCLINIC|CLAIMBOX|BILLING|202601051430||DFT^P03^DFT_P03|CTL-TEST-1|P|2.5.1',
  'EVN|P03|202601051430',
  'PID|1||MRN-TEST-001^^^TESTCLINIC^MR||TESTPATIENT^ALPHA||19800101|F',
  'PV1|1|O|||||1234567893^TESTDOC^ONE||||||||||||VISIT-TEST-001|||||||||||||||||||||||||20260105',
  'DG1|1||J02.9^Acute pharyngitis^I10|||F',
  'FT1|1|TXN-1||20260105||CG|99213^Office visit est^CPT|Office visit\nestablished patient||1|125.00||||||||J02.9^Acute pharyngitis^I10|1234567893^TESTDOC^ONE|||||99213^Office visit est^CPT|25',
];
/** The test message with a line feed typed into FT1-8, and segments ending in `eol`. */
const withLf = (eol: string, id = 'CTL-TEST-1') => SEGS.join(eol).replace('CTL-TEST-1', id) + eol;

describe('segment terminators', () => {
  it('reads a bare LF inside a field as a space, when the message ends its segments with CR', () => {
    const { value: m, diagnostics } = parseMessage(withLf('\r'));
    expect(diagnostics).toEqual([]);
    const ft1 = all(m!, 'FT1')[0];
    expect(get(m!, ft1, 8)).toBe('Office visit established patient');
    expect(get(m!, ft1, 11)).toBe('125.00');
    expect(get(m!, ft1, 26)).toBe('25');
  });

  it('keeps the charge, modifier and diagnosis link of that FT1 through the mapper and splitBatch', () => {
    const batch = splitBatch(withLf('\r', 'CTL-TEST-1') + withLf('\r', 'CTL-TEST-2'));
    expect(batch.diagnostics).toEqual([]);
    expect(batch.value.messages).toHaveLength(2);
    for (const m of batch.value.messages) {
      const enc = toEnvelope(Buffer.from(m.text), 'file', generic25).envelope!.encounter!;
      expect(enc.procedures[0]).toMatchObject({ chargeCents: 12500, modifiers: ['25'], diagnosisSeqs: [1] });
    }
  });

  it('picks the terminator per message in a file that mixes an LF message and a CR one', () => {
    const lfMessage = SEGS.map((s) => s.replace('\n', ' ')).join('\n') + '\n';
    const batch = splitBatch(lfMessage + withLf('\r', 'CTL-TEST-2'));
    const parsed = batch.value.messages.map((m) => parseMessage(m.text).value!);
    expect(parsed.map((m) => m.segments.length)).toEqual([6, 6]);
    expect(parsed.map((m) => get(m, all(m, 'FT1')[0], 8))).toEqual([
      'Office visit established patient',
      'Office visit established patient',
    ]);
  });

  it('still ends a segment at a bare LF followed by a segment id, in a CR message with mixed line ends', () => {
    const text = SEGS.slice(0, 3).join('\r') + '\n' + SEGS.slice(3).join('\r') + '\r';
    expect(parseMessage(text).value!.segments.map((s) => s.id)).toEqual([
      'MSH',
      'EVN',
      'PID',
      'PV1',
      'DG1',
      'FT1',
    ]);
  });

  it('quarantines a DFT whose FT1 was cut by a line break, when the message has no bare CR', () => {
    const r = toEnvelope(Buffer.from(withLf('\r\n')), 'file', generic25);
    expect(r.diagnostics.find((d) => d.code === 'HL7_SEGMENT_CUT')).toMatchObject({
      severity: 'error',
      segment: 'FT1',
    });
    // Table 0357 for the AE's ERR segment: the message's segments are not as they should be.
    expect(errorCodeFor('HL7_SEGMENT_CUT')).toBe('100');
    expect(r.envelope!.encounter).toBeUndefined();
    expect(r.envelope!.quarantine).toMatchObject({ code: 'HL7_SEGMENT_CUT' });
    expect(r.envelope!.quarantine!.reason).toMatch(
      /follows an FT1: a line break inside the FT1 cut its charge data/,
    );
  });
});

describe('MLLP framing in files', () => {
  const framed = (m: string) => `\x0b${m}\x1c\r`;
  const plain = SEGS.map((s) => s.replace('\n', ' ')).join('\r') + '\r';

  it('splits a framed file into its messages, without framing bytes', () => {
    const batch = splitBatch(framed(plain) + framed(plain.replace('CTL-TEST-1', 'CTL-TEST-2')));
    expect(batch.diagnostics).toEqual([]);
    expect(batch.value.messages).toHaveLength(2);
    expect(batch.value.messages.every((m) => !m.text.includes('\x0b') && !m.text.includes('\x1c'))).toBe(
      true,
    );
  });

  it('maps a framed single-message file from the file drop', () => {
    const content = readHl7File(Buffer.from(framed(plain)), 'file', generic25);
    expect(content.bad).toEqual([]);
    expect(content.results).toHaveLength(1);
    expect(content.results[0]!.envelope!.encounter!.procedures[0]!.chargeCents).toBe(12500);
  });
});

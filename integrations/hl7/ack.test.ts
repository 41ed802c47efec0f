import { describe, expect, it } from 'vitest';
import { ackDecision, buildAck, headerOf, hl7Timestamp, readAck, scrapeHeader } from './ack.js';
import { parseMessage } from './parse.js';
import { sampleDft } from './sample.js';

const header = (extra: Parameters<typeof sampleDft>[0] = { index: 1 }) =>
  headerOf(parseMessage(sampleDft(extra)).value!);
const at = new Date(2026, 2, 1, 9, 5, 7, 42);

describe('buildAck', () => {
  it('answers AA with MSA-2 echoing MSH-10 and the sender/receiver swapped', () => {
    const ack = buildAck({ header: header(), code: 'AA', now: at, controlId: 'ACK1' });
    const [msh, msa] = ack.split('\r');
    expect(msh).toBe(
      'MSH|^~\\&|CLAIMBOX|BILLING|FAKEEHR|DEMO CLINIC|20260301090507.042||ACK^P03^ACK|ACK1|P|2.5.1',
    );
    expect(msa).toBe('MSA|AA|MSG00000001');
    expect(ack.split('\r')).toHaveLength(2);
  });

  it('adds a v2.5 ERR segment with location, 0357 code, severity and text, for AE', () => {
    const ack = buildAck({
      header: header(),
      code: 'AE',
      text: 'stored in quarantine: PV1-19 visit number is empty',
      error: { hl7Code: '101', text: 'PV1-19 visit number is empty', segment: 'PV1', field: 19 },
      now: at,
      controlId: 'ACK2',
    });
    const err = ack.split('\r')[2]!;
    expect(err).toBe('ERR||PV1^1^19|101^Required field missing^HL70357|E||||PV1-19 visit number is empty');
    expect(readAck(ack)).toMatchObject({
      code: 'AE',
      controlId: 'MSG00000001',
      error: 'PV1-19 visit number is empty',
    });
  });

  it('uses ERR-1 for 2.3 senders and escapes delimiters in text', () => {
    const ack = buildAck({
      header: header({ index: 1, version: '2.3' }),
      code: 'AR',
      text: 'bad | text',
      error: { hl7Code: '200', text: 'x', segment: 'MSH', field: 9 },
      now: at,
      controlId: 'A',
    });
    const lines = ack.split('\r');
    expect(lines[1]).toBe('MSA|AR|MSG00000001|bad \\F\\ text');
    expect(lines[2]).toBe('ERR|MSH^1^9^200&Unsupported message type&HL70357');
  });

  it('stamps yyyyMMddHHmmss.SSS', () => {
    expect(hl7Timestamp(at)).toBe('20260301090507.042');
  });
});

describe('ackDecision (original vs enhanced mode)', () => {
  it('always answers with AA/AE/AR in original mode', () => {
    expect(ackDecision(header(), 'AE')).toEqual({ send: true, code: 'AE' });
  });

  it.each([
    ['AL', 'AA', true, 'CA'],
    ['AL', 'AR', true, 'CR'],
    ['NE', 'AA', false, 'CA'],
    ['NE', 'AE', false, 'CE'],
    ['ER', 'AA', false, 'CA'],
    ['ER', 'AE', true, 'CE'],
    ['SU', 'AA', true, 'CA'],
    ['SU', 'AR', false, 'CR'],
  ] as const)('MSH-15 %s with outcome %s: send %s as %s', (mode, outcome, send, code) => {
    expect(ackDecision(header({ index: 1, acceptAck: mode, appAck: 'NE' }), outcome)).toEqual({ send, code });
  });
});

describe('scrapeHeader', () => {
  it('finds MSH-10 in bytes that do not parse, after junk', () => {
    const h = scrapeHeader(Buffer.from('\u0000junk MSH|^~\\&|A|B|C|D|2026||DFT^P03|CTRL9|P|2.4\rPID|broken'));
    expect(h).toMatchObject({ controlId: 'CTRL9', sendingApp: 'A', version: '2.4', triggerEvent: 'P03' });
  });

  it('gives empty fields and default delimiters for pure junk', () => {
    expect(scrapeHeader(Buffer.from([1, 2, 3])).controlId).toBe('');
  });
});

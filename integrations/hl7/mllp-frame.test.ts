import { describe, expect, it } from 'vitest';
import { MllpDecoder, frame, type FrameEvent } from './mllp-frame.js';

const messages = (evs: FrameEvent[]) =>
  evs.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? e.payload.toString() : ''));

describe('MllpDecoder', () => {
  it('reassembles frames split at every byte boundary', () => {
    const bytes = Buffer.concat([frame('MSH|one'), frame('MSH|two')]);
    const d = new MllpDecoder(1000);
    const evs: FrameEvent[] = [];
    for (let i = 0; i < bytes.length; i++) evs.push(...d.push(bytes.subarray(i, i + 1)));
    expect(messages(evs)).toEqual(['MSH|one', 'MSH|two']);
  });

  it('reads several frames from one chunk and counts junk between them', () => {
    const d = new MllpDecoder(1000);
    const evs = d.push(Buffer.concat([Buffer.from('xx'), frame('A'), Buffer.from('\r\n'), frame('B')]));
    expect(messages(evs)).toEqual(['A', 'B']);
    expect(
      evs.filter((e) => e.type === 'junk').reduce((n, e) => n + (e.type === 'junk' ? e.size : 0), 0),
    ).toBe(4);
  });

  it('skips an oversized frame to its end and resynchronises on the next one', () => {
    const d = new MllpDecoder(10);
    const big = 'MSH|^~\\&|A|B|C|D|1||DFT^P03|BIG1|P|2.5';
    const evs = d.push(Buffer.concat([frame(big), frame('small')]));
    expect(evs[0]).toMatchObject({ type: 'oversize', size: big.length });
    expect(evs[0]!.type === 'oversize' && evs[0]!.head.toString()).toContain('BIG1');
    expect(messages(evs)).toEqual(['small']);
  });

  it('reports a frame cut short by a new start byte, and keeps the new one', () => {
    const d = new MllpDecoder(1000);
    const evs = d.push(Buffer.concat([Buffer.from('\x0bMSH|cut'), frame('whole')]));
    expect(evs[0]).toMatchObject({ type: 'truncated', size: 7 });
    expect(messages(evs)).toEqual(['whole']);
  });

  it('accepts FS without CR as the end (lenient senders), across a read boundary', () => {
    const d = new MllpDecoder(1000);
    expect(d.push(Buffer.from('\x0bA\x1c'))).toEqual([]);
    expect(messages(d.push(Buffer.from('\x0bB\x1c\x0d')))).toEqual(['A', 'B']);
  });
});

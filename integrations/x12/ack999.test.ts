import { describe, expect, it } from 'vitest';
import { build999 } from './ack999.js';
import { read999 } from './read-acks.js';
import { syntheticClaims, syntheticEnvelope } from './synthetic.js';
import { validateX12 } from './validate.js';
import { write999 } from './write-acks.js';
import { write837 } from './write-837.js';

const env = {
  senderId: 'SANDBOXCH',
  receiverId: 'CLAIMBOXTEST',
  isaControl: 5,
  gsControl: 5,
  stStart: 1,
  testMode: true,
  now: new Date(Date.UTC(2026, 0, 2)),
};

describe('build999', () => {
  it('a clean 837 with two transaction sets is accepted (IK5 A, AK9 A)', () => {
    const text = write837(syntheticClaims('medical', 4, 3), syntheticEnvelope({ claimsPerSt: 2 }));
    const { ack, claimErrors } = build999(text);
    expect(ack).toMatchObject({
      functionalId: 'HC',
      groupControlNumber: '101',
      status: 'A',
      included: 2,
      received: 2,
      accepted: 2,
    });
    expect(ack.transactions.map((t) => [t.controlNumber, t.status])).toEqual([
      ['0001', 'A'],
      ['0002', 'A'],
    ]);
    expect(claimErrors.size).toBe(0);
    const out = write999(ack, env);
    expect(validateX12(out).errors).toEqual([]);
    expect(read999(out).value).toMatchObject([ack]);
  });

  it('syntax errors become IK3/IK4 in their own set, with the claim context; the other set is accepted', () => {
    const text = write837(syntheticClaims('medical', 4, 3), syntheticEnvelope({ claimsPerSt: 2 }));
    const lines = text.split('~');
    const i = lines.findIndex((l) => l.startsWith('SBR*'));
    lines[i] = lines[i]!.replace(/\*CI$/, '*QQ');
    const { ack } = build999(lines.join('~'));
    expect(ack.status).toBe('P');
    const [bad, good] = ack.transactions;
    expect(good!.status).toBe('A');
    expect(bad).toMatchObject({ status: 'R', codes: ['5'] });
    expect(bad!.segmentErrors[0]).toMatchObject({
      segmentId: 'SBR',
      code: '8',
      elements: [{ position: 9, code: '7', badValue: 'QQ' }],
    });
    expect(bad!.segmentErrors[0]!.position).toBe(i - lines.findIndex((l) => l.startsWith('ST*')) + 1);
    expect(validateX12(write999(ack, env)).errors).toEqual([]);
  });

  it('a wrong SE count is IK5 code 4; an NPI check-digit failure is a claim-level finding for the 277CA', () => {
    const text = write837(syntheticClaims('medical', 1, 3), syntheticEnvelope());
    const broken = text.replace(/SE\*\d+\*/, 'SE*3*').replace('*XX*9876543213', '*XX*9876543210');
    const { ack, claimErrors } = build999(broken);
    expect(ack.transactions[0]).toMatchObject({ status: 'R', codes: ['4'] });
    expect(ack.status).toBe('R');
    const pcn = syntheticClaims('medical', 1, 3)[0]!.patientControlNumber;
    expect(claimErrors.get(pcn)?.map((d) => d.code)).toContain('X12_BAD_NPI');
  });
});

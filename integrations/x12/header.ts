// ISA/GS facts shared by every typed reader.
import type { Diagnostic } from '../../appliance/domain/types.js';
import type { InterchangeHeader, Segment, Separators } from './types.js';

export function diag(code: string, message: string, s: Segment | undefined, field?: number): Diagnostic {
  const d: Diagnostic = { code, message, severity: 'error' };
  if (s) {
    d.segment = s.el[0] ?? '';
    d.position = s.n;
  }
  if (field !== undefined && s) d.field = `${s.el[0] ?? ''}${String(field).padStart(2, '0')}`;
  return d;
}

export function warn(code: string, message: string, s: Segment | undefined, field?: number): Diagnostic {
  return { ...diag(code, message, s, field), severity: 'warning' };
}

export function readHeader(segments: Segment[], separators: Separators): InterchangeHeader | undefined {
  const isa = segments[0];
  if (!isa || isa.el[0] !== 'ISA') return undefined;
  const gs = segments.find((s) => s.el[0] === 'GS');
  const g = (s: Segment | undefined, i: number) => s?.el[i] ?? '';
  return {
    senderQualifier: g(isa, 5).trim(),
    senderId: g(isa, 6).trim(),
    receiverQualifier: g(isa, 7).trim(),
    receiverId: g(isa, 8).trim(),
    date: g(isa, 9),
    time: g(isa, 10),
    controlNumber: g(isa, 13),
    testMode: g(isa, 15) === 'T',
    separators,
    functionalId: g(gs, 1),
    gsSender: g(gs, 2),
    gsReceiver: g(gs, 3),
    gsDate: g(gs, 4),
    gsTime: g(gs, 5),
    gsControl: g(gs, 6),
    version: g(gs, 8),
  };
}

// The X12 functions the sandbox needs, in one place (tests may swap one, e.g. a validator).
import type { Diagnostic } from '../../../appliance/domain/types.js';
import { read837 } from '../../x12/read-837.js';
import { tokenize } from '../../x12/tokenize.js';
import type {
  Ack277CA,
  Ack999,
  EnvelopeOptions,
  Read,
  Read837Value,
  Remit835,
  Segment,
  Separators,
} from '../../x12/types.js';
import { write277CA, write835, write999 } from '../../x12/write-acks.js';
import { validateX12 } from '../../x12/validate.js';

export interface SandboxCodec {
  tokenize(text: string): { segments: Segment[]; separators?: Separators; diagnostics: Diagnostic[] };
  read837(text: string): Read<Read837Value>;
  /** The 837 implementation-guide validator; its errors become 999 IK3/IK4. */
  validate?(text: string): { errors: Diagnostic[] };
  write999(ack: Ack999, env: EnvelopeOptions): string;
  write277CA(ack: Ack277CA, env: EnvelopeOptions): string;
  write835(remit: Remit835, env: EnvelopeOptions): string;
}

export const defaultCodec: SandboxCodec = {
  tokenize,
  read837,
  validate: validateX12,
  write999,
  write277CA,
  write835,
};

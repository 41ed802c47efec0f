// integrations/x12: the public surface (main.ts, the clearinghouse, the CLI and bench import from here).
export type * from './types.js';
export { DEFAULT_SEPARATORS } from './types.js';
export { write837, VERSION_837P, VERSION_837D } from './write-837.js';
export { write999, write277CA, write835, VERSION_999, VERSION_277CA, VERSION_835 } from './write-acks.js';
export { read837 } from './read-837.js';
export {
  read999,
  read277CA,
  read835,
  readTA1,
  billedProcedure,
  TA1_NOTE_TEXT,
  type SetControl,
  type QualifiedId,
  type Ack999Read,
  type Ack277CARead,
  type ClaimAck277Read,
  type ProviderAck277,
  type ServiceAck277,
  type Remit835Read,
  type RemitClaimRead,
  type InterchangeAck,
} from './read-acks.js';
export { readX12, type X12DocumentKind } from './read.js';
export { tokenize, scan, X12Tokenizer, detectSeparators } from './tokenize.js';
export { validateX12, npiValid } from './validate.js';
export { build999, type Built999 } from './ack999.js';
export { money, parseCents } from './values.js';
export { benchX12, type BenchRow } from './bench.js';

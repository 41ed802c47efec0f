// Typed X12 readers. Every reader is text in, { value, diagnostics } out; diagnostics carry segment positions.
export { tokenize, X12Tokenizer, detectSeparators, components } from './tokenize.js';
export { read837 } from './read-837.js';
export { read999, read277CA, read835, billedProcedure } from './read-acks.js';

// `claimbox x12 validate FILE` and `claimbox x12 read FILE`: the X12 toolkit for MSP technicians and
// billers (ARCHITECTURE.md "Contracts"). Thin shell over integrations/x12 (pure functions).
import { readFileSync } from 'node:fs';
import { readX12 } from '../../integrations/x12/read.js';
import { validateX12 } from '../../integrations/x12/validate.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

const help = `usage: claimbox x12 validate FILE [--json]
       claimbox x12 read FILE

  validate  strict check of an X12 file against the 5010 implementation guides
            (837P X222A1, 837D X224A2, 999 X231A1, 277CA X214, 835 X221A1): envelopes and
            counts, loop order, required elements, lengths, codes, HL hierarchy, CLM02 totals,
            NPI check digits, 835 balancing. Exit 0 valid, 1 invalid; each error names the
            segment number, segment id and element.
  read      parse an 837, 999, 277CA, 835 or TA1 and print the document as JSON (money in cents).
            A 999, 277CA or 835 prints a list with one entry per transaction set (ST…SE), each
            with its ISA13/GS06/ST02 under "control"; a TA1 file prints its list of TA1s. A file
            holding sets of more than one kind (a 999 and a 277CA) prints kind "mixed" and one
            document per kind.

options:
  --json         (validate) print the result as JSON
  --config FILE  claimbox config (accepted for every verb; not needed here)
  -h, --help     this text
`;

const verb: Verb = {
  name: 'x12',
  summary: 'validate or read X12 files (837P/837D/999/277CA/835/TA1)',
  help,
  run(argv) {
    const { values, positionals } = parseVerbArgs(argv, { json: { type: 'boolean' } });
    if (values.config) loadConfigOrExit(values.config);
    const [sub, file, ...extra] = positionals;
    if (!sub || !file || extra.length > 0)
      throw new UsageError('expected a subverb (validate | read) and one FILE');
    let text: string;
    try {
      // X12 is single-byte text: decode as latin1 so windows-1252 bytes keep one character each; drop a UTF-8 BOM.
      const buf = readFileSync(file);
      const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      text = buf.toString('latin1', bom);
    } catch (err) {
      process.stderr.write(
        `claimbox x12: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return Promise.resolve(66); // EX_NOINPUT
    }
    if (sub === 'validate') {
      const r = validateX12(text);
      if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        for (const e of r.errors) process.stdout.write(`error   ${e.code}  ${e.message}\n`);
        for (const w of r.warnings) process.stdout.write(`warning ${w.code}  ${w.message}\n`);
        process.stdout.write(
          r.ok
            ? `${file}: valid (${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'})\n`
            : `${file}: INVALID, ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}\n`,
        );
      }
      return Promise.resolve(r.ok ? 0 : 1);
    }
    if (sub === 'read') {
      const r = readX12(text);
      process.stdout.write(
        JSON.stringify({ kind: r.kind, value: r.value, diagnostics: r.diagnostics }, null, 2) + '\n',
      );
      return Promise.resolve(
        r.value === undefined || r.diagnostics.some((d) => d.severity === 'error') ? 1 : 0,
      );
    }
    throw new UsageError(`unknown subverb '${sub}' (expected validate or read)`);
  },
};

export default verb;

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { silentLogger } from '../log.js';
import { startAppliance } from '../main.js';
import { inboundRaw } from '../store/intake.js';
import { profileOf } from '../wiring.js';
import { decodeBytes, splitBatch } from '../../integrations/hl7/parse.js';
import { toEnvelope } from '../../integrations/hl7/map.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

const EX_DATAERR = 65;

const verb: Verb = {
  name: 'ingest',
  summary: 'take HL7 files in by hand, or replay a stored inbound message',
  help: `usage: claimbox ingest FILE... [--config FILE]
       claimbox ingest --replay ID

Reads HL7 v2 files (one message, or a batch with FHS/BHS/BTS/FTS; \\r, \\n or \\r\\n segment ends)
through the configured EHR profile (intake.profile) and stores each message durably, exactly as the
MLLP listener would: a message already received (same sender + MSH-10, or same content) is a
duplicate and creates nothing. The running service codes and submits what was stored.

  --replay ID   run stored inbound message ID again (e.g. after fixing the profile for a
                quarantined message)

Prints one line per message: file#n, MSH-10, and accepted / duplicate / ignored / quarantined /
rejected with the reason. Exit 0 when nothing was rejected or quarantined, 65 otherwise.`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, { replay: { type: 'string' } });
    if (!values.replay && positionals.length === 0)
      throw new UsageError('name at least one FILE, or --replay ID');
    const { config } = loadConfigOrExit(values.config);
    const profile = profileOf(config);
    const app = await startAppliance({ config, logger: silentLogger(), listen: false, runLoop: false });
    let bad = 0;
    try {
      const inputs: { label: string; text: string }[] = [];
      if (values.replay) {
        const id = Number(values.replay);
        const row = Number.isInteger(id) ? inboundRaw(app.store, id) : undefined;
        if (!row) throw new UsageError(`no stored inbound message ${values.replay}`);
        if (row.raw.length === 0)
          throw new UsageError(`message ${id} is past retention: its bytes were pruned`);
        inputs.push({ label: `replay#${id}`, text: decodeBytes(row.raw).text });
      }
      for (const file of positionals) {
        let raw: Buffer;
        try {
          raw = readFileSync(file);
        } catch (err) {
          process.stderr.write(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}\n`);
          bad++;
          continue;
        }
        const batch = splitBatch(decodeBytes(raw).text);
        if (batch.value.messages.length > 0) {
          for (const d of batch.diagnostics.slice(0, 5))
            process.stderr.write(`${basename(file)}: warning: ${d.message}\n`);
          if (batch.diagnostics.length > 5)
            process.stderr.write(`${basename(file)}: ${batch.diagnostics.length - 5} more warning(s)\n`);
        } else {
          process.stdout.write(`${basename(file)}: rejected: no MSH segment: not an HL7 v2 message\n`);
          bad++;
        }
        batch.value.messages.forEach((m, i) =>
          inputs.push({ label: `${basename(file)}#${i + 1}`, text: m.text }),
        );
      }
      for (const input of inputs) {
        const r = toEnvelope(Buffer.from(input.text, 'utf8'), 'cli', profile);
        if (!r.envelope) {
          bad++;
          process.stdout.write(`${input.label}: rejected: ${r.reject?.reason ?? 'unreadable'}\n`);
          continue;
        }
        // Mapper warnings (a provider id that is not an NPI, a skipped line) are for whoever runs this.
        for (const d of r.diagnostics.filter((x) => x.severity === 'warning').slice(0, 5))
          process.stderr.write(`${input.label}: warning: ${d.message}\n`);
        const result = await app.sink.accept(r.envelope);
        if (result.status === 'quarantined') bad++;
        process.stdout.write(
          `${input.label}: ${r.envelope.controlId ?? '-'}: ${result.status}${result.reason ? `: ${result.reason}` : ''}` +
            `${result.encounterId ? ` (encounter ${result.encounterId})` : ''}\n`,
        );
      }
    } finally {
      await app.stop('ingest done');
    }
    return bad > 0 ? EX_DATAERR : 0;
  },
};
export default verb;

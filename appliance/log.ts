// pino JSON to stdout (journald picks it up). PHI never reaches a log line: known PHI paths are
// redacted, and code logs ids, counts and codes rather than people.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that may carry PHI if a caller ever logs a domain object. */
export const PHI_REDACT_PATHS = [
  'patient',
  '*.patient',
  'guarantor',
  '*.guarantor',
  'subscriber',
  '*.subscriber',
  'mrn',
  '*.mrn',
  'dob',
  '*.dob',
  'firstName',
  '*.firstName',
  'lastName',
  '*.lastName',
  'memberId',
  '*.memberId',
  'address',
  '*.address',
  'phone',
  '*.phone',
  'raw',
  '*.raw',
  'input',
  '*.input',
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'account_key',
  '*.account_key',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { app: 'claimbox' },
    redact: { paths: PHI_REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/** A logger that drops everything (unit tests, quiet CLI verbs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

// What every stage shares: (durable input, ports) → durable result, one transaction per batch.
import type { Clock, PipelineStore, RetryPolicy, ItemFailure } from '../ports.js';
import { classify } from '../domain/errors.js';

/** The logging the core needs (pino satisfies it); no PHI goes in. */
export interface StageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Stage {
  readonly name: string;
  /** Process at most one batch of due items; returns how many items it looked at. */
  run(now: number): Promise<number>;
}

export interface StageContext {
  store: PipelineStore;
  clock: Clock;
  logger: StageLogger;
  policy: RetryPolicy;
  batchSize: number;
}

export function failureOf(id: number, err: unknown): ItemFailure {
  const c = classify(err);
  return { id, code: c.code, errorClass: c.errorClass, message: c.message };
}

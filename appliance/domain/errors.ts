// Every failure carries a machine code and a class; retries key on the class (STYLE.md).
//  - transient: try again later (network down, disk busy, 429, 5xx)
//  - ambiguous: we cannot know whether it happened (a submit that timed out): never blindly resend
//  - permanent: retrying cannot help (bad data, 4xx); park it for a person

export type ErrorClass = 'transient' | 'ambiguous' | 'permanent';

export class ClaimboxError extends Error {
  readonly code: string;
  readonly errorClass: ErrorClass;
  readonly detail: Record<string, unknown> | undefined;

  constructor(
    code: string,
    errorClass: ErrorClass,
    message: string,
    detail?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClaimboxError';
    this.code = code;
    this.errorClass = errorClass;
    this.detail = detail;
  }
}

export function transient(code: string, message: string, cause?: unknown): ClaimboxError {
  return new ClaimboxError(code, 'transient', message, undefined, { cause });
}

export function permanent(code: string, message: string, detail?: Record<string, unknown>): ClaimboxError {
  return new ClaimboxError(code, 'permanent', message, detail);
}

export function ambiguous(code: string, message: string, cause?: unknown): ClaimboxError {
  return new ClaimboxError(code, 'ambiguous', message, undefined, { cause });
}

/** Classify anything thrown: ClaimboxError keeps its class; unknown errors are transient. */
export function classify(err: unknown): { code: string; errorClass: ErrorClass; message: string } {
  if (err instanceof ClaimboxError)
    return { code: err.code, errorClass: err.errorClass, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  const sysCode = (err as { code?: unknown } | null)?.code;
  if (sysCode === 'ENOSPC') return { code: 'DISK_FULL', errorClass: 'transient', message };
  return { code: typeof sysCode === 'string' ? sysCode : 'UNEXPECTED', errorClass: 'transient', message };
}

// Value formats shared by the X12 writers and readers: money as integer cents (R type, exact), D8 dates,
// interchange envelope headers and trailers. Pure functions.
import { DEFAULT_SEPARATORS, type EnvelopeOptions, type Separators } from './types.js';

/** Cents → X12 R (decimal) with trailing zeros suppressed, as the X12 data element rules recommend. */
export function money(cents: number): string {
  const neg = cents < 0;
  const a = neg ? -cents : cents;
  const whole = Math.trunc(a / 100);
  const frac = a - whole * 100;
  let s: string;
  if (frac === 0) s = `${whole}`;
  else if (frac % 10 === 0) s = `${whole}.${frac / 10}`;
  else s = `${whole}.${frac < 10 ? '0' : ''}${frac}`;
  return neg ? `-${s}` : s;
}

/**
 * X12 R (decimal) → integer cents, exactly (integer arithmetic on the digits, no float drift).
 * Returns undefined for text that is not -?digits[.digits] or carries non-zero digits past the cent.
 */
export function parseCents(text: string): number | undefined {
  return parseCentsAt(text, 0, text.length);
}

/** parseCents of text[from, n), read in place (the validator's line charges, without a slice). */
export function parseCentsAt(text: string, from: number, n: number): number | undefined {
  let i = from;
  const neg = n > from && text.charCodeAt(from) === 45;
  if (neg) i = from + 1;
  let whole = 0;
  let wholeDigits = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    wholeDigits++;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < n && text.charCodeAt(i) === 46) {
    for (i++; i < n; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (fracDigits < 2) frac = frac * 10 + d;
      else if (d !== 0) return undefined;
      fracDigits++;
    }
  }
  if (i !== n || (wholeDigits === 0 && fracDigits === 0)) return undefined;
  const cents = whole * 100 + (fracDigits === 1 ? frac * 10 : frac);
  if (!Number.isSafeInteger(cents)) return undefined;
  return neg ? -cents : cents;
}

/** 'YYYY-MM-DD' → D8 'CCYYMMDD'. */
export function d8(date: string): string {
  return date.length === 10 ? date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10) : date;
}

/** D8 'CCYYMMDD' → 'YYYY-MM-DD' (unchanged when not 8 digits). */
export function fromD8(v: string): string {
  return v.length === 8 ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v;
}

/** Quantities (units) as X12 R: no trailing zeros. */
export function qty(n: number): string {
  return Number.isInteger(n) ? `${n}` : `${n}`.replace(/0+$/, '');
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

export interface Stamp {
  /** CCYYMMDD */
  date8: string;
  /** YYMMDD (ISA09) */
  date6: string;
  /** HHMM */
  time4: string;
}

export function stamp(now: Date): Stamp {
  const y = now.getUTCFullYear();
  const date8 = `${y}${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}`;
  return { date8, date6: date8.slice(2), time4: `${two(now.getUTCHours())}${two(now.getUTCMinutes())}` };
}

/** Replace delimiter characters inside a free-text value (names, addresses) with a space. */
export function makeClean(sep: Separators): (v: string) => string {
  const chars = new Set([sep.element, sep.component, sep.repetition, sep.segment[0] ?? '~', '\r', '\n']);
  const cls = `[${[...chars].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`;
  const all = new RegExp(cls, 'g');
  // A char-code scan finds the common case (nothing to replace) without a regex call per value.
  const [a = -1, b = -1, c = -1, d = -1, e = -1, f = -1] = [...chars].map((ch) => ch.charCodeAt(0));
  return (v: string) => {
    for (let i = 0; i < v.length; i++) {
      const ch = v.charCodeAt(i);
      if (ch === a || ch === b || ch === c || ch === d || ch === e || ch === f) return v.replace(all, ' ');
    }
    return v;
  };
}

export function separatorsOf(env: EnvelopeOptions): Separators {
  return env.separators ?? DEFAULT_SEPARATORS;
}

/** ISA (fixed width, 106 characters) and GS, each with its terminator. */
export function interchangeHead(
  env: EnvelopeOptions,
  functionalId: string,
  version: string,
): { text: string; stamp: Stamp } {
  const s = separatorsOf(env);
  const e = s.element;
  const t = s.segment;
  const st = stamp(env.now);
  const isa =
    `ISA${e}00${e}${' '.repeat(10)}${e}00${e}${' '.repeat(10)}${e}${(env.senderQualifier ?? 'ZZ').padEnd(2)}` +
    `${e}${env.senderId.padEnd(15).slice(0, 15)}${e}${(env.receiverQualifier ?? 'ZZ').padEnd(2)}` +
    `${e}${env.receiverId.padEnd(15).slice(0, 15)}${e}${st.date6}${e}${st.time4}${e}${s.repetition}` +
    `${e}00501${e}${String(env.isaControl).padStart(9, '0')}${e}0${e}${env.testMode ? 'T' : 'P'}${e}${s.component}${t}`;
  const gs = `GS${e}${functionalId}${e}${env.senderId}${e}${env.receiverId}${e}${st.date8}${e}${st.time4}${e}${env.gsControl}${e}X${e}${version}${t}`;
  return { text: isa + gs, stamp: st };
}

export function interchangeTail(env: EnvelopeOptions, transactionSets: number): string {
  const s = separatorsOf(env);
  const e = s.element;
  return `GE${e}${transactionSets}${e}${env.gsControl}${s.segment}IEA${e}1${e}${String(env.isaControl).padStart(9, '0')}${s.segment}`;
}

/** ST02: at least four digits (ST02 is AN 4-9). */
export function stControl(n: number): string {
  return String(n).padStart(4, '0');
}

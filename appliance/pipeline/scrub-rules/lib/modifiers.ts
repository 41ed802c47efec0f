// NCCI PTP-associated modifiers (CMS NCCI Policy Manual, ch. I §E; REFERENCE.md): with modifier
// indicator 1, one of these on the column-2 code says the two services were distinct.

// prettier-ignore
const ANATOMIC = [
  'E1', 'E2', 'E3', 'E4',
  'FA', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9',
  'TA', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9',
  'LT', 'RT', 'LC', 'LD', 'RC', 'LM', 'RI',
];

export const ANATOMIC_MODIFIERS: ReadonlySet<string> = new Set(ANATOMIC);

// prettier-ignore
export const NCCI_BYPASS_MODIFIERS: ReadonlySet<string> = new Set([
  '59', 'XE', 'XS', 'XP', 'XU', '24', '25', '57', '58', '78', '79', '27', '91', ...ANATOMIC,
]);

/**
 * Does `col2` carry a modifier that bypasses the edit against `col1`? An anatomic modifier only
 * counts when column 1 does not carry the same one: RT on both codes is still the same site.
 */
export function bypassesPtp(col1Modifiers: readonly string[], col2Modifiers: readonly string[]): boolean {
  const col1 = new Set(col1Modifiers.map((m) => m.toUpperCase()));
  return col2Modifiers.some((raw) => {
    const m = raw.toUpperCase();
    if (!NCCI_BYPASS_MODIFIERS.has(m)) return false;
    return !(ANATOMIC_MODIFIERS.has(m) && col1.has(m));
  });
}

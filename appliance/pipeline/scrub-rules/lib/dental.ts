// Dental (CDT) tooth, surface and area vocabularies as the 837D carries them (005010X224A2 2400
// TOO tooth and surfaces, SV304 oral cavity designation) and the ADA Universal/National system.

/** 1-32 permanent, A-T primary, 51-82 and AS-TS supernumerary. */
export function isValidTooth(tooth: string): boolean {
  if (/^\d{1,2}$/.test(tooth)) {
    const n = Number(tooth);
    return (n >= 1 && n <= 32) || (n >= 51 && n <= 82);
  }
  return /^[A-T]$/.test(tooth) || /^[A-T]S$/.test(tooth);
}

/** ADA surfaces: mesial, occlusal, distal, buccal, lingual, facial, incisal. */
export const SURFACES: ReadonlySet<string> = new Set(['M', 'O', 'D', 'B', 'L', 'F', 'I']);

/** Quadrant/arch designations: ours (UR UL LR LL U L) and X12 SV304 (00 01 02 09 10 20 30 40). */
// prettier-ignore
export const AREAS: ReadonlySet<string> = new Set([
  'UR', 'UL', 'LR', 'LL', 'U', 'L', '00', '01', '02', '09', '10', '20', '30', '40',
]);

function cdtNumber(code: string): number | undefined {
  return /^D\d{4}$/.test(code) ? Number(code.slice(1)) : undefined;
}

function within(n: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([a, b]) => n >= a && n <= b);
}

/**
 * Codes reported per surface (CDT restorations: amalgam D2140-D2161, resin D2330-D2394, gold foil
 * D2410-D2430, inlays/onlays D2510-D2664).
 */
// prettier-ignore
const SURFACE_CODES = [[2140, 2161], [2330, 2394], [2410, 2430], [2510, 2664]] as const;

/**
 * Codes reported per tooth: restorative D2000-D2999, endodontics on one tooth D3110-D3470,
 * implant and fixed prosthodontic retainers/pontics D6010-D6199 and D6200-D6794, extractions and
 * tooth-level surgery D7111-D7251.
 */
// prettier-ignore
const TOOTH_CODES = [[2000, 2999], [3110, 3470], [6010, 6199], [6200, 6794], [7111, 7251]] as const;

/**
 * Codes reported per quadrant: periodontal surgery and scaling (D4210-D4211, D4240-D4241,
 * D4260-D4261, D4341-D4342; D4212 is per tooth).
 */
// prettier-ignore
const AREA_CODES = [[4210, 4211], [4240, 4241], [4260, 4261], [4341, 4342]] as const;

export function needsTooth(code: string): boolean {
  const n = cdtNumber(code);
  return n !== undefined && within(n, TOOTH_CODES);
}

export function needsSurfaces(code: string): boolean {
  const n = cdtNumber(code);
  return n !== undefined && within(n, SURFACE_CODES);
}

export function needsArea(code: string): boolean {
  const n = cdtNumber(code);
  return n !== undefined && within(n, AREA_CODES);
}

/**
 * Surface count a restoration code describes, [min, max] (CDT descriptors: "one surface",
 * "two surfaces", "three surfaces", "four or more surfaces").
 */
// prettier-ignore
const SURFACE_COUNTS: Record<string, readonly [number, number]> = {
  D2140: [1, 1], D2150: [2, 2], D2160: [3, 3], D2161: [4, 5],
  D2330: [1, 1], D2331: [2, 2], D2332: [3, 3], D2335: [4, 5],
  D2391: [1, 1], D2392: [2, 2], D2393: [3, 3], D2394: [4, 5],
  D2410: [1, 1], D2420: [2, 2], D2430: [3, 3],
  D2510: [1, 1], D2520: [2, 2], D2530: [3, 5], D2542: [2, 2], D2543: [3, 3], D2544: [4, 5],
  D2610: [1, 1], D2620: [2, 2], D2630: [3, 5], D2642: [2, 2], D2643: [3, 3], D2644: [4, 5],
  D2650: [1, 1], D2651: [2, 2], D2652: [3, 5], D2662: [2, 2], D2663: [3, 3], D2664: [4, 5],
};

export function surfaceCountFor(code: string): readonly [number, number] | undefined {
  return SURFACE_COUNTS[code];
}

// Tooth and surface rules for CDT lines. Universal/National numbering as the ADA claim form and
// 837D TOO segment use it: permanent 1-32, primary A-T, supernumerary permanent 51-82 (tooth + 50),
// supernumerary primary AS-TS (letter + S). Surfaces (837D TOO03): M mesial, O occlusal, D distal,
// B buccal, L lingual, F facial, I incisal; O and B belong to posterior teeth, I and F to anterior.

export type Region = 'anterior' | 'posterior';
export type Quadrant = 'UR' | 'UL' | 'LL' | 'LR';

export interface Tooth {
  id: string;
  dentition: 'permanent' | 'primary';
  supernumerary: boolean;
  region: Region;
  quadrant: Quadrant;
  arch: 'U' | 'L';
}

const PRIMARY = 'ABCDEFGHIJKLMNOPQRST';

function permanentInfo(n: number): { region: Region; quadrant: Quadrant } {
  // Canines to canines are anterior: 6-11 (maxillary), 22-27 (mandibular).
  const region: Region = (n >= 6 && n <= 11) || (n >= 22 && n <= 27) ? 'anterior' : 'posterior';
  const quadrant: Quadrant = n <= 8 ? 'UR' : n <= 16 ? 'UL' : n <= 24 ? 'LL' : 'LR';
  return { region, quadrant };
}

function primaryInfo(i: number): { region: Region; quadrant: Quadrant } {
  // A-J maxillary right to left, K-T mandibular left to right; C-H and M-R are anterior.
  const region: Region = (i >= 2 && i <= 7) || (i >= 12 && i <= 17) ? 'anterior' : 'posterior';
  const quadrant: Quadrant = i <= 4 ? 'UR' : i <= 9 ? 'UL' : i <= 14 ? 'LL' : 'LR';
  return { region, quadrant };
}

/** Parse a tooth designation; undefined when it is not a valid tooth. */
export function parseTooth(raw: string): Tooth | undefined {
  const id = raw.trim().toUpperCase();
  if (/^\d{1,2}$/.test(id)) {
    const n = Number(id);
    let base = n;
    let supernumerary = false;
    if (n >= 51 && n <= 82) {
      base = n - 50;
      supernumerary = true;
    } else if (n < 1 || n > 32) return undefined;
    const info = permanentInfo(base);
    return {
      id: String(n),
      dentition: 'permanent',
      supernumerary,
      ...info,
      arch: info.quadrant[0] as 'U' | 'L',
    };
  }
  const m = /^([A-T])(S?)$/.exec(id);
  if (!m) return undefined;
  const info = primaryInfo(PRIMARY.indexOf(m[1]!));
  return {
    id,
    dentition: 'primary',
    supernumerary: m[2] === 'S',
    ...info,
    arch: info.quadrant[0] as 'U' | 'L',
  };
}

export const ANTERIOR_SURFACES = 'MDILF';
export const POSTERIOR_SURFACES = 'MODBL';

export interface SurfaceCheck {
  surfaces: string;
  count: number;
  problem?: string;
}

/** Normalize and validate surfaces for a tooth region: letters from MODBLFI, each at most once. */
export function checkSurfaces(raw: string, region: Region): SurfaceCheck {
  const surfaces = raw.replace(/[\s,]/g, '').toUpperCase();
  const seen = new Set<string>();
  for (const ch of surfaces) {
    if (!'MODBLFI'.includes(ch))
      return { surfaces, count: 0, problem: `"${ch}" is not a tooth surface (use M O D B L F I)` };
    if (seen.has(ch)) return { surfaces, count: 0, problem: `surface ${ch} is listed twice` };
    seen.add(ch);
  }
  if (seen.size === 0) return { surfaces, count: 0, problem: 'no surfaces given' };
  const allowed = region === 'anterior' ? ANTERIOR_SURFACES : POSTERIOR_SURFACES;
  for (const ch of seen)
    if (!allowed.includes(ch))
      return {
        surfaces,
        count: seen.size,
        problem: `surface ${ch} does not exist on a ${region} tooth (use ${allowed.split('').join(' ')})`,
      };
  return { surfaces, count: seen.size };
}

/** Area of the oral cavity as entered: quadrant UR/UL/LR/LL or arch U/L (837D SV304 maps 10/20/40/30, 01/02). */
export function parseArea(raw: string): { kind: 'quadrant' | 'arch'; value: string } | undefined {
  const a = raw.trim().toUpperCase();
  if (a === 'UR' || a === 'UL' || a === 'LR' || a === 'LL') return { kind: 'quadrant', value: a };
  if (a === 'U' || a === 'L') return { kind: 'arch', value: a };
  if (a === 'UPPER' || a === 'MAXILLARY') return { kind: 'arch', value: 'U' };
  if (a === 'LOWER' || a === 'MANDIBULAR') return { kind: 'arch', value: 'L' };
  return undefined;
}

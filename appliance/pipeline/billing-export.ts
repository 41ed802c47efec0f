// Billing export: charge items as CSV for practices that bill from another system.
// RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF are quoted with quotes doubled.
// Spreadsheet formula injection (OWASP "CSV Injection"): a cell starting with = + - @, tab or CR
// is prefixed with a single quote so Excel/LibreOffice show it as text instead of running it.

export interface BillingExportRow {
  /** "LAST, FIRST" as the practice shows it. */
  patientName: string;
  mrn: string;
  providerName: string;
  npi: string;
  dateOfService: string;
  code: string;
  modifiers: readonly string[];
  units: number;
  placeOfService: string;
  authorization?: string | null;
}

export const BILLING_EXPORT_HEADER = [
  'Patient',
  'MRN',
  'Provider',
  'NPI',
  'Date of service',
  'Code',
  'Modifiers',
  'Units',
  'POS',
  'Authorization',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell, neutralized against formula injection and quoted when RFC 4180 requires it. */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function chargeItemsCsv(rows: readonly BillingExportRow[]): string {
  const lines = [BILLING_EXPORT_HEADER.map(csvCell).join(',')];
  for (const r of rows)
    lines.push(
      [
        r.patientName,
        r.mrn,
        r.providerName,
        r.npi,
        r.dateOfService,
        r.code,
        r.modifiers.join(' '),
        r.units,
        r.placeOfService,
        r.authorization ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
  return lines.join('\r\n') + '\r\n';
}

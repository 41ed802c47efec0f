// `audit report --quarter 2026Q4` (issue 6): what an auditor asks first. Counts by event type,
// failures, and the first and last entry of a calendar quarter (UTC).
import type Database from 'better-sqlite3';

export interface QuarterReport {
  quarter: string;
  /** ISO start (inclusive) and end (exclusive) of the quarter, UTC. */
  start: string;
  end: string;
  total: number;
  failures: number;
  byEvent: { event: string; count: number; failures: number }[];
  first?: { seq: number; time: string };
  last?: { seq: number; time: string };
}

/** '2026Q4' (or '2026-Q4', 'q4 2026' is not accepted) → [start, end) in epoch ms, UTC. */
export function parseQuarter(q: string): { label: string; start: number; end: number } | undefined {
  const m = /^(\d{4})-?[Qq]([1-4])$/.exec(q.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2]);
  return {
    label: `${year}Q${n}`,
    start: Date.UTC(year, (n - 1) * 3, 1),
    end: Date.UTC(year, n * 3, 1),
  };
}

export function quarterReport(
  db: Database.Database,
  quarter: { label: string; start: number; end: number },
): QuarterReport {
  const byEvent = db
    .prepare<[number, number], { event: string; count: number; failures: number }>(
      `SELECT event, count(*) AS count, sum(outcome = 'failure') AS failures
         FROM audit_log WHERE ts >= ? AND ts < ? GROUP BY event ORDER BY count DESC, event`,
    )
    .all(quarter.start, quarter.end);
  const edge = (dir: 'ASC' | 'DESC') =>
    db
      .prepare<[number, number], { seq: number; ts: number }>(
        `SELECT seq, ts FROM audit_log WHERE ts >= ? AND ts < ? ORDER BY ts ${dir}, seq ${dir} LIMIT 1`,
      )
      .get(quarter.start, quarter.end);
  const first = edge('ASC');
  const last = edge('DESC');
  return {
    quarter: quarter.label,
    start: new Date(quarter.start).toISOString(),
    end: new Date(quarter.end).toISOString(),
    total: byEvent.reduce((a, r) => a + r.count, 0),
    failures: byEvent.reduce((a, r) => a + r.failures, 0),
    byEvent,
    first: first && { seq: first.seq, time: new Date(first.ts).toISOString() },
    last: last && { seq: last.seq, time: new Date(last.ts).toISOString() },
  };
}

export function formatReport(r: QuarterReport): string {
  const lines = [
    `Audit report ${r.quarter} (${r.start} to ${r.end}, UTC)`,
    `entries: ${r.total}   failures: ${r.failures}`,
    `first: ${r.first ? `${r.first.time} (seq ${r.first.seq})` : '-'}`,
    `last:  ${r.last ? `${r.last.time} (seq ${r.last.seq})` : '-'}`,
    '',
    `${'event'.padEnd(24)} ${'count'.padStart(10)} ${'failures'.padStart(10)}`,
    ...r.byEvent.map(
      (e) => `${e.event.padEnd(24)} ${String(e.count).padStart(10)} ${String(e.failures).padStart(10)}`,
    ),
  ];
  return lines.join('\n');
}

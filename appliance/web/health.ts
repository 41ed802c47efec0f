// /health: every check is refreshed in the background on a timer and served from memory, so the
// endpoint costs nothing per request and an RMM can poll it every few seconds.
import type { CheckResult, HealthSource, HealthStatus } from '../ports.js';

export interface HealthReport {
  status: HealthStatus;
  checkedAt: string;
  version: string;
  checks: CheckResult[];
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, critical: 2 };

export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let w: HealthStatus = 'ok';
  for (const s of statuses) if (RANK[s] > RANK[w]) w = s;
  return w;
}

export interface HealthRegistry {
  add(source: HealthSource): void;
  /** Run every source now (each isolated: a throwing source reports itself critical). */
  refresh(): Promise<HealthReport>;
  /** The last report (refresh() must have run once). */
  current(): HealthReport;
  /** The JSON body, pre-serialized. */
  body(): string;
  start(intervalMs: number): void;
  stop(): void;
}

export interface HealthRegistryOptions {
  /** A source slower than this reports itself critical for this round (default 5,000 ms), so one
   *  hung check (a clearinghouse that never answers) cannot freeze the whole report. */
  timeoutMs?: number;
  /** Called with each new report (the /metrics check gauges). */
  onReport?: (report: HealthReport) => void;
}

export function createHealthRegistry(
  version: string,
  now: () => number = Date.now,
  options: HealthRegistryOptions = {},
): HealthRegistry {
  const timeoutMs = options.timeoutMs ?? 5000;
  const sources: HealthSource[] = [];
  let report: HealthReport = { status: 'ok', checkedAt: new Date(now()).toISOString(), version, checks: [] };
  let body = JSON.stringify(report);
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<HealthReport> | undefined;

  async function runAll(): Promise<HealthReport> {
    const results = await Promise.all(
      sources.map(async (s): Promise<CheckResult[]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([
            s.check(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
        } catch (err) {
          return [
            {
              name: s.name,
              status: 'critical',
              message: `check failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200),
            },
          ];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = results.flat();
    report = {
      status: worst(checks.map((c) => c.status)),
      checkedAt: new Date(now()).toISOString(),
      version,
      checks,
    };
    try {
      options.onReport?.(report);
    } catch (err) {
      // Visible on /health itself rather than an unhandled rejection from the refresh timer.
      const message = `metrics update failed: ${err instanceof Error ? err.message : String(err)}`.slice(
        0,
        200,
      );
      report.checks.push({ name: 'metrics', status: 'degraded', message });
      report.status = worst(report.checks.map((c) => c.status));
    }
    body = JSON.stringify(report);
    return report;
  }

  return {
    add: (s) => void sources.push(s),
    refresh() {
      inFlight ??= runAll().finally(() => (inFlight = undefined));
      return inFlight;
    },
    current: () => report,
    body: () => body,
    start(intervalMs) {
      timer = setInterval(() => void this.refresh(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

// Runs every HealthSource in the background (health.refresh_seconds) and keeps the last report,
// so GET /health is a lookup (10,000+ requests/s), never a check per request. A source that throws
// or hangs becomes one degraded check instead of hiding the others. refresh() can be called early
// (after a trap or a UPS change) so /health follows within a second.
import type { Logger } from 'pino';
import type { CheckResult, HealthSource, HealthStatus } from '../appliance/ports.js';

export interface HealthReport {
  status: HealthStatus;
  /** 200 for ok and degraded, 503 for critical (ARCHITECTURE.md "HTTP"). */
  httpStatus: 200 | 503;
  /** ISO instant of the refresh that produced this report. */
  checkedAt: string;
  checks: CheckResult[];
}

export interface HealthRunner {
  start(): void;
  stop(): void;
  /** Run every source now; resolves with the new report. Concurrent calls share one run. */
  refresh(): Promise<HealthReport>;
  /** The last report (cheap). Before the first refresh: degraded, 'starting'. */
  report(): HealthReport;
}

export interface HealthRunnerOptions {
  sources: HealthSource[];
  intervalMs: number;
  logger: Logger;
  /** A source slower than this counts as failed for this round. Default 2000 ms. */
  timeoutMs?: number;
  now?: () => number;
  /** Called after each refresh (metrics: observeChecks). */
  onReport?: (report: HealthReport) => void;
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, critical: 2 };

export function worstStatus(checks: readonly CheckResult[]): HealthStatus {
  let worst: HealthStatus = 'ok';
  for (const c of checks) if (RANK[c.status] > RANK[worst]) worst = c.status;
  return worst;
}

export function buildReport(checks: CheckResult[], at: number): HealthReport {
  const status = worstStatus(checks);
  return {
    status,
    httpStatus: status === 'critical' ? 503 : 200,
    checkedAt: new Date(at).toISOString(),
    checks,
  };
}

export function createHealthRunner(options: HealthRunnerOptions): HealthRunner {
  const { logger } = options;
  const now = options.now ?? (() => Date.now());
  const timeoutMs = options.timeoutMs ?? 2000;
  let last: HealthReport = buildReport(
    [{ name: 'startup', status: 'degraded', value: 'starting', message: 'health checks not run yet' }],
    now(),
  );
  let running: Promise<HealthReport> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const runSource = async (s: HealthSource): Promise<CheckResult[]> => {
    let t: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        s.check(),
        new Promise<never>((_, reject) => {
          t = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ source: s.name, err: message }, 'health source failed');
      return [
        { name: s.name, status: 'degraded', value: 'unknown', message: `${s.name} check failed: ${message}` },
      ];
    } finally {
      if (t) clearTimeout(t);
    }
  };

  const refresh = (): Promise<HealthReport> => {
    running ??= Promise.all(options.sources.map(runSource))
      .then((parts) => {
        last = buildReport(parts.flat(), now());
        try {
          options.onReport?.(last);
        } catch (err) {
          logger.error({ err }, 'health onReport failed');
        }
        return last;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const loop = () => {
    timer = setTimeout(() => {
      refresh()
        .catch((err: unknown) => logger.error({ err }, 'health refresh failed'))
        .finally(() => {
          if (timer) loop();
        });
    }, options.intervalMs);
    timer.unref?.();
  };

  return {
    start() {
      if (timer) return;
      void refresh();
      loop();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    refresh,
    report: () => last,
  };
}

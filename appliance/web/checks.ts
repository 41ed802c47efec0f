// The core's own health checks (the host's, disk included, are in ops/host.ts): database writable, pipeline backlog
// and oldest item, parked items, the runner's last error, intake silence, audit chain head.
import type { CheckResult, HealthSource, HoldSwitch } from '../ports.js';
import type { Config } from '../config.js';
import type { Store } from '../store/open.js';
import { backlog, lastInboundAt, auditHead } from '../store/queries.js';
import { probeWrite } from '../store/settings.js';

export function coreHealthSources(deps: {
  store: Store;
  config: Config;
  dataDir: string;
  now: () => number;
  lastError: () => { stage: string; message: string; at: number } | undefined;
  hold: HoldSwitch;
}): HealthSource[] {
  const { store, config, now } = deps;
  const h = config.health;
  return [
    {
      name: 'database',
      check(): Promise<CheckResult[]> {
        const t0 = performance.now();
        probeWrite(store, now());
        const ms = Math.round((performance.now() - t0) * 10) / 10;
        return Promise.resolve([
          { name: 'database', status: 'ok', value: ms, unit: 'ms', message: 'writable (durable commit)' },
        ]);
      },
    },
    {
      name: 'pipeline',
      check(): Promise<CheckResult[]> {
        const t = now();
        const b = backlog(store, t);
        const oldestS = Math.round(b.oldestAgeMs / 1000);
        const err = deps.lastError();
        const recentErr = err && t - err.at < 15 * 60_000 ? err : undefined;
        return Promise.resolve([
          {
            name: 'pipeline.backlog',
            status: b.items > h.backlog_warn ? 'degraded' : 'ok',
            value: b.items,
            threshold: `> ${h.backlog_warn} degraded`,
            message: `${b.items} item(s) waiting`,
          },
          {
            name: 'pipeline.oldest',
            status: oldestS > h.oldest_item_warn_seconds ? 'degraded' : 'ok',
            value: oldestS,
            unit: 's',
            threshold: `> ${h.oldest_item_warn_seconds}s degraded`,
            message: b.items === 0 ? 'nothing waiting' : `oldest waiting ${oldestS}s`,
          },
          {
            name: 'pipeline.parked',
            status: b.parked > 0 ? 'degraded' : 'ok',
            value: b.parked,
            message: b.parked > 0 ? `${b.parked} item(s) parked after repeated failures` : 'none parked',
          },
          {
            name: 'pipeline.last_error',
            status: recentErr ? 'degraded' : 'ok',
            value: recentErr ? new Date(recentErr.at).toISOString() : null,
            message: recentErr
              ? `stage ${recentErr.stage} failed: ${recentErr.message}`.slice(0, 200)
              : 'no recent error',
          },
          {
            name: 'submission.hold',
            status: deps.hold.isHeld() ? 'degraded' : 'ok',
            value: deps.hold.isHeld(),
            message: deps.hold.isHeld() ? `held: ${deps.hold.reasons().join(', ')}` : 'submitting',
          },
        ]);
      },
    },
    {
      name: 'intake',
      check(): Promise<CheckResult[]> {
        const last = lastInboundAt(store);
        const minutes = last === undefined ? null : Math.round((now() - last) / 60_000);
        const silent = minutes !== null && minutes > h.intake_silence_warn_minutes;
        return Promise.resolve([
          {
            name: 'intake.silence',
            status: silent ? 'degraded' : 'ok',
            value: minutes,
            unit: 'min',
            threshold: `> ${h.intake_silence_warn_minutes} min degraded`,
            message: minutes === null ? 'nothing received yet' : `last message ${minutes} min ago`,
          },
        ]);
      },
    },
    {
      name: 'audit',
      check(): Promise<CheckResult[]> {
        const head = auditHead(store);
        return Promise.resolve([
          {
            name: 'audit.head',
            status: 'ok',
            value: head?.seq ?? 0,
            message: head ? `chain head #${head.seq} ${head.hash.slice(0, 12)}` : 'empty chain',
          },
        ]);
      },
    },
  ];
}

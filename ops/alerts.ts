// Alerts: conditions become one "started" notice after they have held for alerts.hold_seconds and
// one "cleared" notice when they stop — never one per poll. One-off events (a trap, a switch
// reboot) go out at once. Sinks: webhook (POST JSON), e-mail (SMTP), system log, the alerts table.
// A sink that fails is logged and the others still run; nothing here throws into a poll loop.
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../appliance/config.js';
import type { Clock } from '../appliance/ports.js';
import type { Store } from '../appliance/store/open.js';
import { clearAlert, openAlert } from '../appliance/store/alerts.js';

export type AlertSeverity = 'warning' | 'critical';

/** A condition as a source sees it at one instant (same shape as the SNMP monitor's Condition). */
export interface AlertCondition {
  /** Stable id, e.g. 'ups.on_battery', 'snmp.ups1.unreachable'. */
  key: string;
  active: boolean;
  severity: AlertSeverity;
  /** No PHI. */
  message: string;
}

export interface AlertNotice {
  key: string;
  state: 'started' | 'cleared' | 'event';
  severity: AlertSeverity;
  message: string;
  /** Epoch ms. */
  at: number;
  /** When the condition began (started/cleared). */
  since?: number;
  host: string;
}

export interface AlertSink {
  readonly name: string;
  send(notice: AlertNotice): Promise<void>;
}

export interface ActiveAlert {
  key: string;
  severity: AlertSeverity;
  message: string;
  since: number;
  /** True once the hold time passed and "started" went out. */
  alerted: boolean;
}

export interface Alerter {
  /** Report a condition's current truth; call it every poll, edges are what matter. */
  set(condition: AlertCondition): void;
  /** A one-off event: sent at once, nothing to clear. */
  event(e: { key: string; severity: AlertSeverity; message: string }): void;
  /** Fire conditions whose hold time has passed (timers call this; tests may too). */
  tick(): void;
  /** Conditions currently true (alerted or still within their hold time). */
  active(): ActiveAlert[];
  /** Wait for sends in progress (tests, shutdown). */
  flush(): Promise<void>;
  stop(): void;
}

export interface AlerterOptions {
  holdSeconds: number;
  sinks: AlertSink[];
  logger: Logger;
  clock?: Clock;
  host?: string;
  /**
   * Episodes still open from before a restart (listOpenAlerts): tracked as already alerted, so a
   * condition that is still true does not alert twice and one that cleared meanwhile gets its clear.
   */
  resume?: readonly { key: string; severity: string; message: string; startedAt: number }[];
}

interface Tracked extends ActiveAlert {
  timer: NodeJS.Timeout | undefined;
}

export function createAlerter(options: AlerterOptions): Alerter {
  const { logger, sinks } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const holdMs = options.holdSeconds * 1000;
  const host = options.host ?? hostname();
  const tracked = new Map<string, Tracked>();
  const inFlight = new Set<Promise<void>>();
  for (const r of options.resume ?? [])
    tracked.set(r.key, {
      key: r.key,
      severity: r.severity === 'critical' ? 'critical' : 'warning',
      message: r.message,
      since: r.startedAt,
      alerted: true,
      timer: undefined,
    });

  const dispatch = (notice: AlertNotice) => {
    for (const sink of sinks) {
      const p = sink
        .send(notice)
        .catch((err: unknown) =>
          logger.error(
            { sink: sink.name, key: notice.key, err: err instanceof Error ? err.message : String(err) },
            'alert sink failed',
          ),
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  };

  const fire = (t: Tracked) => {
    if (t.alerted) return;
    t.alerted = true;
    if (t.timer) clearTimeout(t.timer);
    t.timer = undefined;
    logger.warn({ key: t.key, severity: t.severity }, 'alert started');
    dispatch({
      key: t.key,
      state: 'started',
      severity: t.severity,
      message: t.message,
      at: clock.now(),
      since: t.since,
      host,
    });
  };

  const tick = () => {
    const now = clock.now();
    for (const t of tracked.values()) if (!t.alerted && now - t.since >= holdMs) fire(t);
  };

  return {
    set(c) {
      const t = tracked.get(c.key);
      if (c.active) {
        if (t) {
          t.message = c.message;
          t.severity = c.severity;
          if (!t.alerted && clock.now() - t.since >= holdMs) fire(t);
          return;
        }
        const n: Tracked = {
          key: c.key,
          severity: c.severity,
          message: c.message,
          since: clock.now(),
          alerted: false,
          timer: undefined,
        };
        tracked.set(c.key, n);
        if (holdMs <= 0) fire(n);
        else {
          n.timer = setTimeout(tick, holdMs);
          n.timer.unref?.();
        }
        return;
      }
      if (!t) return;
      tracked.delete(c.key);
      if (t.timer) clearTimeout(t.timer);
      if (!t.alerted) return; // it never held long enough: nobody was told, nobody needs a clear
      logger.info({ key: c.key }, 'alert cleared');
      dispatch({
        key: c.key,
        state: 'cleared',
        severity: t.severity,
        message: c.message,
        at: clock.now(),
        since: t.since,
        host,
      });
    },
    event(e) {
      logger.warn({ key: e.key, severity: e.severity }, 'alert event');
      dispatch({ ...e, state: 'event', at: clock.now(), host });
    },
    tick,
    active() {
      return [...tracked.values()].map(({ timer: _timer, ...a }) => a);
    },
    async flush() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stop() {
      for (const t of tracked.values()) if (t.timer) clearTimeout(t.timer);
    },
  };
}

// ------------------------------------------------------------------ sinks

function subjectOf(n: AlertNotice): string {
  const what = n.state === 'event' ? 'EVENT' : n.state === 'started' ? 'ALERT' : 'CLEARED';
  return `[claimbox ${n.host}] ${what} ${n.severity.toUpperCase()}: ${n.message}`;
}

/** POST the notice as JSON; a non-2xx answer is a failure. */
export function webhookSink(url: string, timeoutMs = 5000): AlertSink {
  return {
    name: 'webhook',
    async send(n) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          source: 'claimbox',
          host: n.host,
          key: n.key,
          state: n.state,
          severity: n.severity,
          message: n.message,
          at: new Date(n.at).toISOString(),
          since: n.since === undefined ? undefined : new Date(n.since).toISOString(),
          // Slack/Teams-style incoming webhooks show `text`.
          text: subjectOf(n),
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
    },
  };
}

/** E-mail through the configured SMTP relay (nodemailer; STARTTLS when the server offers it). */
export function smtpSink(smtp: Config['alerts']['smtp']): AlertSink {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.username ? { user: smtp.username, pass: smtp.password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    name: 'smtp',
    async send(n) {
      await transport.sendMail({
        from: smtp.from,
        to: smtp.to.join(', '),
        subject: subjectOf(n),
        text: [
          subjectOf(n),
          '',
          `condition: ${n.key}`,
          `state:     ${n.state}`,
          `severity:  ${n.severity}`,
          `at:        ${new Date(n.at).toISOString()}`,
          ...(n.since === undefined ? [] : [`since:     ${new Date(n.since).toISOString()}`]),
          `host:      ${n.host}`,
        ].join('\n'),
      });
    },
  };
}

/** `logger -t claimbox -p user.<prio>`: the host's syslog/journald, where the MSP's agent looks. */
export function syslogSink(command = 'logger'): AlertSink {
  return {
    name: 'syslog',
    send(n) {
      const prio = n.state === 'cleared' ? 'notice' : n.severity === 'critical' ? 'crit' : 'warning';
      const line = `${n.state} ${n.key}: ${n.message}`;
      return new Promise((resolve, reject) => {
        execFile(command, ['-t', 'claimbox', '-p', `user.${prio}`, '--', line], { timeout: 5000 }, (err) =>
          err ? reject(new Error(`${command} failed: ${err.message}`)) : resolve(),
        );
      });
    },
  };
}

/** Rows in the alerts table: a row opens when a condition starts alerting and closes on clear. */
export function storeSink(store: Store): AlertSink {
  return {
    name: 'store',
    send(n) {
      if (n.state === 'cleared') clearAlert(store, n.key, n.at);
      else {
        openAlert(store, {
          key: n.key,
          severity: n.severity,
          message: n.message,
          startedAt: n.since ?? n.at,
        });
        // An event has no duration: its row is opened and closed at once.
        if (n.state === 'event') clearAlert(store, n.key, n.at);
      }
      return Promise.resolve();
    },
  };
}

/** The sinks the config asks for (webhook if a URL, SMTP if a host and recipients, syslog if on). */
export function sinksFromConfig(alerts: Config['alerts'], store?: Store): AlertSink[] {
  const sinks: AlertSink[] = [];
  if (store) sinks.push(storeSink(store));
  if (alerts.webhook_url) sinks.push(webhookSink(alerts.webhook_url));
  if (alerts.smtp.host && alerts.smtp.to.length > 0) sinks.push(smtpSink(alerts.smtp));
  if (alerts.syslog) sinks.push(syslogSink());
  return sinks;
}

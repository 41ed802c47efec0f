// Composition root: config → store → integrations → pipeline → servers. The only place that wires
// integrations into the core. `claimbox serve`, `demo` and `bench` all start the appliance here.
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Clock, ClearinghouseTransport, CursorStore, HoldSwitch } from './ports.js';
import { systemClock } from './ports.js';
import type { EncounterInput } from './domain/types.js';
import { openStore, type Store } from './store/open.js';
import { startWalCheckpointer } from './store/wal-checkpointer.js';
import { commitInbound, pruneRawMessages } from './store/intake.js';
import { createPipelineStore } from './store/pipeline-store.js';
import { createSubmissionStore } from './store/submission.js';
import { createCursorStore, getSetting, setSetting } from './store/settings.js';
import { createIntakeSink, type GroupCommitSink } from './pipeline/intake.js';
import { codingStage, type Coder } from './pipeline/coding.js';
import { scrubStage } from './pipeline/scrub-stage.js';
import { claimsStage, type ClaimCheck } from './pipeline/claims-stage.js';
import { submitStage, type BatchWriter } from './pipeline/submit.js';
import { orderStages } from './pipeline/index.js';
import { createRunner, type Runner } from './pipeline/runner.js';
import { createHoldSwitch } from './pipeline/hold.js';
import type { StageContext } from './pipeline/stage.js';
import { remitStage, type X12Readers } from './pipeline/remit-stage.js';
import { createRemitStore } from './store/remit.js';
import { createEngineCoder } from './coding/coder.js';
import { seedTables } from './store/code-tables.js';
import { createHealthRegistry, type HealthRegistry } from './web/health.js';
import { coreHealthSources } from './web/checks.js';
import { createWebApp } from './web/app.js';
import { serveApp, type Bound } from './web/serve.js';
import { createAuth, type Auth } from './web/auth.js';
import { createCodeTablesApp } from './web/routes/code-tables.js';
import { createBillerMounts } from './web/routes/biller.js';
import { createCheckpointer, type Checkpointer } from './audit/checkpoint.js';
import { countsByStatus, backlog, stageLags } from './store/queries.js';
import { createMetricsRegistry, registerPipelineMetrics, type OpsMetrics } from '../ops/metrics.js';
import { createHostHealthSource } from '../ops/host.js';
import type { Hono } from 'hono';

export const VERSION = '0.1.0';

export interface ApplianceOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Bind HTTP and intake listeners (false for in-process demo/bench/tests). */
  listen?: boolean;
  /** Start the background runner loop (false: the caller drives runUntilIdle). */
  runLoop?: boolean;
  /** Replace the configured clearinghouse transport (tests). */
  transport?: ClearinghouseTransport;
}

export interface Appliance {
  config: Config;
  store: Store;
  auth?: Auth;
  metrics: OpsMetrics;
  checkpointer: Checkpointer;
  sink: GroupCommitSink;
  runner: Runner;
  hold: HoldSwitch;
  health: HealthRegistry;
  app: ReturnType<typeof createWebApp>;
  http?: Bound;
  /** Listeners and pollers started by integrations, closed in reverse order on stop. */
  closers: { name: string; close(): Promise<void> }[];
  stop(reason: string): Promise<void>;
}

export function dataDirOf(config: Config): string {
  return resolve(config.data.dir);
}

export function dbPathOf(config: Config): string {
  return join(dataDirOf(config), 'claimbox.db');
}

/**
 * Days from DOS a payer accepts a claim, by program, until payer tables carry their own figure:
 * Medicare is 12 months by statute (42 CFR 424.44); Medicaid commonly 365; commercial contracts
 * commonly 90–180, so 180 warns late rather than never.
 */
function timelyFilingDays(program: string | undefined): number {
  return program === 'medicare' || program === 'medicaid' ? 365 : 180;
}

export interface Wiring {
  /** Replace the rules engine (tests). */
  coder?: Coder;
  writer?: BatchWriter;
  /** Render-and-validate one claim before it is ready (claims stage). */
  claimCheck?: ClaimCheck;
  /** The clearinghouse transport, made once the store (and its cursors) exists. */
  transport?: (deps: { cursors: CursorStore }) => ClearinghouseTransport;
  readers?: X12Readers;
  /** More sub-apps under /api (biller routes). */
  mounts?: (deps: { store: Store; clock: Clock }) => { path: string; app: Hono }[];
  /** Staff sign-in for the admin page and /api (default on; tests may turn it off). */
  auth?: boolean;
  /** Field-level validation of the JSON intake body (POST /api/encounters). */
  validateEncounter?: (body: unknown) => {
    value?: EncounterInput;
    errors: { path: string; message: string }[];
  };
}

export async function startAppliance(opts: ApplianceOptions, wiring: Wiring = {}): Promise<Appliance> {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const dataDir = dataDirOf(config);
  mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const store = openStore(dbPathOf(config));
  const wal = startWalCheckpointer(store, {
    onError: (err) =>
      logger.warn({ err }, 'WAL background work failed; commits stay durable (SQLite checkpoints on commit)'),
  });
  const closers: Appliance['closers'] = [];

  const seeded = seedTables(store, config.coding.table_set, { now: clock.now() });
  if (seeded.seeded)
    logger.info({ set: config.coding.table_set, rows: seeded.rows }, 'loaded sample coding tables');
  const engine = createEngineCoder(store, { clock });

  const payerFacts = (payerId: string) => {
    const p = engine.tables.get().payer(payerId, new Date(clock.now()).toISOString().slice(0, 10));
    return p ? { payerId, timelyFilingDays: timelyFilingDays(p.program) } : undefined;
  };
  const pstore = createPipelineStore(store);
  const outbox = createSubmissionStore(store);
  const hold = createHoldSwitch(
    [
      ...(config.submission.hold ? ['config'] : []),
      ...(getSetting<string[]>(store, 'submission.hold') ?? []),
    ].filter((r, i, a) => a.indexOf(r) === i),
    (reasons) => {
      // Only a person's hold survives a restart; the power policy re-asserts its own.
      setSetting(
        store,
        'submission.hold',
        reasons.filter((r) => r === 'operator'),
        clock.now(),
      );
      logger.info({ reasons }, 'submission hold changed');
    },
  );

  const ctx: StageContext = {
    store: pstore,
    clock,
    logger,
    policy: {
      baseMs: config.pipeline.retry_base_ms,
      maxMs: config.pipeline.retry_max_ms,
      maxAttempts: config.pipeline.max_attempts,
    },
    batchSize: config.pipeline.batch_size,
  };
  const practice = config.practice;
  const billing = {
    name: practice.name,
    npi: practice.npi,
    taxId: practice.tax_id,
    taxonomy: practice.taxonomy,
    address: practice.address,
    contactName: practice.contact_name,
    contactPhone: practice.contact_phone,
  };
  let submitNow = false;
  const transport =
    opts.transport ?? wiring.transport?.({ cursors: createCursorStore(store, () => clock.now()) });
  const remit = createRemitStore(store);
  const submit =
    transport && wiring.writer
      ? submitStage(ctx, {
          outbox,
          transport,
          hold,
          writer: wiring.writer,
          mode: config.submission.mode,
          intervalMs: config.submission.interval_minutes * 60_000,
          maxClaimsPerBatch: config.submission.max_claims_per_batch,
          testMode: !config.clearinghouse.live,
          takeSubmitNow: () => {
            const v = submitNow;
            submitNow = false;
            return v;
          },
        })
      : undefined;
  if (submit) {
    const n = submit.recover(clock.now());
    if (n > 0)
      logger.warn({ batches: n }, 'uploads interrupted by the last stop are ambiguous until confirmed');
  }
  const stages = orderStages({
    coding: codingStage(ctx, wiring.coder ?? engine),
    scrub: scrubStage(ctx, {
      billing,
      codeSets: engine.codeSets,
      payer: payerFacts,
    }),
    claims: claimsStage(ctx, wiring.claimCheck),
    submit,
    remit:
      transport && wiring.readers
        ? remitStage(ctx, {
            transport,
            remit,
            readers: wiring.readers,
            autoPost: config.remit.auto_post,
            pollMs: config.clearinghouse.poll_seconds * 1000,
            busyPollMs: 100,
          })
        : undefined,
  });
  const runner = createRunner(stages, { clock, logger, idleMs: config.pipeline.idle_poll_ms });
  const sink = createIntakeSink((envs, now) => commitInbound(store, envs, now), clock, {
    onCommitted: () => runner.kick(),
  });

  const checkpointer = createCheckpointer({ store, config, logger, clock });
  const metrics = createMetricsRegistry({ defaultMetrics: opts.listen !== false });
  const pipelineMetrics = registerPipelineMetrics(metrics.registry, () => {
    const counts = countsByStatus(store);
    const b = backlog(store, clock.now());
    const lags = Object.fromEntries(
      stageLags(store, clock.now() - 3600_000).map((l) => [
        l.stage.replace(/ → /g, '_to_').replace(/\W+/g, '_'),
        l.p50Ms / 1000,
      ]),
    );
    return {
      encounters: counts.encounters,
      claims: counts.claims,
      lagSeconds: lags,
      queueDepth: { pipeline: b.items, parked: b.parked },
      oldestSeconds: { pipeline: b.oldestAgeMs / 1000 },
    };
  });

  const health = createHealthRegistry(VERSION, () => clock.now(), {
    onReport: (r) => metrics.observeChecks(r.checks),
  });
  for (const s of coreHealthSources({
    store,
    config,
    dataDir,
    now: () => clock.now(),
    lastError: () => runner.lastError,
    hold,
  }))
    health.add(s);
  health.add(createHostHealthSource({ dataDir, health: config.health }));
  health.add({
    name: 'clearinghouse',
    async check() {
      if (!transport)
        return [{ name: 'clearinghouse', status: 'degraded', message: 'no clearinghouse configured' }];
      const t0 = performance.now();
      try {
        await transport.ping();
        return [
          {
            name: 'clearinghouse',
            status: 'ok',
            value: Math.round(performance.now() - t0),
            unit: 'ms',
            message: `${transport.name} reachable${config.clearinghouse.live ? '' : ' (test mode)'}`,
          },
        ];
      } catch (err) {
        return [
          {
            name: 'clearinghouse',
            status: 'degraded',
            value: null,
            message:
              `${transport.name} unreachable: ${err instanceof Error ? err.message : String(err)}`.slice(
                0,
                200,
              ),
          },
        ];
      }
    },
  });
  health.add({
    name: 'audit.checkpoint',
    check() {
      const cp = checkpointer.checkpointNow();
      return Promise.resolve([
        {
          name: 'audit.checkpoint',
          status: 'ok',
          value: cp.seq,
          message: `signed head #${cp.seq} ${cp.headHash.slice(0, 12)}`,
        },
      ]);
    },
  });
  await health.refresh();
  const auth =
    wiring.auth === false
      ? undefined
      : createAuth({
          store,
          clock,
          logger,
          secureCookies: config.server.tls_cert !== undefined,
          trustedProxy: config.server.trusted_proxy,
        });

  const app = createWebApp({
    store,
    health,
    sink,
    hold,
    clock,
    logger,
    apiTokens: config.intake.api.tokens,
    validateEncounter:
      wiring.validateEncounter ??
      ((body) =>
        typeof body === 'object' && body !== null
          ? { value: body as EncounterInput, errors: [] }
          : { errors: [{ path: '', message: 'an encounter object is required' }] }),
    requestSubmitNow: () => {
      submitNow = true;
      runner.kick();
    },
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
    onHttp: (method, route, status, ms) => pipelineMetrics.observeHttp(method, route, status, ms / 1000),
    auth,
    mounts: [
      {
        path: '/code-tables',
        app: createCodeTablesApp({
          store,
          clock,
          actorOf: (c) =>
            `user:${(c.get('user' as never) as { username: string } | undefined)?.username ?? 'api'}`,
          onChange: () => engine.tables.invalidate(),
        }),
      },
      ...createBillerMounts({ store, clock, billing, codeSets: engine.codeSets, payer: payerFacts }),
      ...(wiring.mounts?.({ store, clock }) ?? []),
    ],
  });

  let http: Bound | undefined;
  if (opts.listen !== false) {
    http = await serveApp(app, {
      host: config.server.host,
      port: config.server.port,
      tlsCert: config.server.tls_cert,
      tlsKey: config.server.tls_key,
      fastPaths: {
        '/health': () => ({
          status: health.current().status === 'critical' ? 503 : 200,
          contentType: 'application/json',
          body: health.body(),
        }),
      },
    });
    closers.push({ name: 'http', close: () => http!.close() });
    health.start(config.health.refresh_seconds * 1000);
    const prune = setInterval(() => {
      const n = pruneRawMessages(
        store,
        clock.now() - config.data.raw_retention_days * 86_400_000,
        clock.now(),
      );
      if (n > 0) logger.info({ messages: n }, 'pruned raw inbound messages past retention');
    }, 6 * 3600_000);
    prune.unref();
    closers.push({ name: 'prune', close: () => Promise.resolve(clearInterval(prune)) });
  }
  const cpTimer = setInterval(() => {
    try {
      checkpointer.maybeCheckpoint();
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'audit checkpoint failed');
    }
  }, 10_000);
  cpTimer.unref();
  if (opts.runLoop !== false) runner.start();

  let stopped = false;
  return {
    config,
    store,
    auth,
    metrics,
    checkpointer,
    sink,
    runner,
    hold,
    health,
    app,
    http,
    closers,
    async stop(reason: string) {
      if (stopped) return;
      stopped = true;
      logger.info({ reason }, 'stopping');
      sink.stop(reason);
      for (const c of [...closers].reverse()) {
        try {
          await c.close();
        } catch (err) {
          logger.warn(
            { closer: c.name, err: err instanceof Error ? err.message : String(err) },
            'close failed',
          );
        }
      }
      await sink.drain();
      await runner.stop();
      health.stop();
      clearInterval(cpTimer);
      await transport?.close();
      try {
        checkpointer.checkpointNow();
      } catch (err) {
        logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'final audit checkpoint failed',
        );
      }
      checkpointer.close();
      await wal.stop();
      store.close();
      logger.info({ reason }, 'stopped cleanly');
    },
  };
}

// Which integrations the configured appliance uses: the one place (with the CLI verbs) that imports
// integrations/. main.ts composes the core; this file picks the outside world's implementations.
import { readFileSync } from 'node:fs';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Appliance, Wiring } from './main.js';
import type { Claim } from './domain/types.js';
import type { BatchWriter } from './pipeline/submit.js';
import type { ClaimCheck } from './pipeline/claims-stage.js';
import { permanent } from './domain/errors.js';
import { write837 } from '../integrations/x12/write-837.js';
import { validateX12 } from '../integrations/x12/validate.js';
import { createMllpServer, MllpClient } from '../integrations/hl7/mllp.js';
import { getProfile, type Hl7Profile } from '../integrations/hl7/profiles.js';
import { read999, read277CA, read835, readTA1 } from '../integrations/x12/read.js';
import { sniffKind, sniffKinds } from '../integrations/clearinghouse/kind.js';
import { SANDBOX_ACCOUNT_KEY } from '../integrations/clearinghouse/rest.js';
import { createTransportFromConfig } from '../integrations/clearinghouse/index.js';
import { serveSandbox, type RunningSandbox } from '../integrations/clearinghouse/sandbox/serve.js';
import type { ClearinghouseTransport, CursorStore } from './ports.js';
import type { X12Readers } from './pipeline/remit-stage.js';
import { demoDft } from '../ops/demo-feed.js';
import { validateEncounterJson } from '../integrations/hl7/json-encounter.js';
import { createFileDrop } from '../integrations/hl7/file-drop.js';
import { createSftpPickup } from '../integrations/hl7/sftp-pickup.js';
import { createRestPoller } from '../integrations/hl7/rest-poller.js';
import { createSnmpMonitor } from '../integrations/snmp/monitor.js';
import { createAlerter, sinksFromConfig } from '../ops/alerts.js';
import { createPowerPolicy } from '../ops/power.js';
import { createSnmpHealthSource } from '../ops/health-snmp.js';
import { listOpenAlerts } from './store/alerts.js';
import { createCursorStore } from './store/settings.js';
import { join, resolve } from 'node:path';

export interface IntegrationWiring extends Wiring {
  /** Start listeners/pollers that need the running appliance (MLLP, file drop, SNMP, demo feed). */
  afterStart?: (appliance: Appliance) => Promise<void>;
}

/** The 837 writer with the practice's submitter identity and the clearinghouse's receiver. */
/** Strict 5010 validation: the messages of every error (empty = valid). */
export function validate837(content: string): string[] {
  return validateX12(content).errors.map((e) => e.message);
}

export function batchWriter(
  config: Config,
  validate: (content: string) => string[] = validate837,
): BatchWriter {
  const ch = config.clearinghouse;
  return {
    write(claims: Claim[], controls, testMode, now) {
      const content = write837(claims, {
        senderId: ch.submitter_id,
        receiverId: ch.receiver_id,
        receiverName: ch.receiver_name,
        submitterName: config.practice.name,
        submitterContact: { name: config.practice.contact_name, phone: config.practice.contact_phone },
        isaControl: controls.isaControl,
        gsControl: controls.gsControl,
        stStart: controls.stStart,
        testMode,
        now,
      });
      // One ST/SE per interchange here (claimsPerSt defaults to the guide's 5,000), so every claim
      // shares the first transaction set's control number.
      return { content, stControls: claims.map(() => String(controls.stStart).padStart(4, '0')) };
    },
    validate,
  };
}

/** The X12 readers the remit stage applies responses with. */
export const x12Readers: X12Readers = {
  kindOf: (content) => sniffKind(content),
  kindsOf: (content) => sniffKinds(content),
  read999: (content) => read999(content),
  read277CA: (content) => read277CA(content),
  read835: (content) => read835(content),
  readTA1: (content) => readTA1(content),
};

/** The configured clearinghouse transport (the sandbox's URL is known once it listens). */
export function transportFor(
  config: Config,
  cursors: CursorStore,
  sandboxUrl: string | undefined,
): ClearinghouseTransport {
  return createTransportFromConfig(config, { cursors, ...(sandboxUrl ? { sandboxUrl } : {}) });
}

/** Start the embedded sandbox clearinghouse when the config uses it (the out-of-the-box default). */
export async function startEmbeddedSandbox(
  config: Config,
  port?: number,
): Promise<RunningSandbox | undefined> {
  if (config.clearinghouse.transport !== 'sandbox' || !config.sandbox.embedded) return undefined;
  return serveSandbox({
    host: config.sandbox.host,
    port: port ?? config.sandbox.port,
    seed: config.sandbox.seed,
    eraDelayMs: config.sandbox.era_delay_seconds * 1000,
    accountKey: SANDBOX_ACCOUNT_KEY,
    // Durable sandbox state: a restarted sandbox keeps numbering responses after the appliance's cursor.
    ...(config.sandbox.state_file ? { stateFile: resolve(config.data.dir, config.sandbox.state_file) } : {}),
  });
}

/** One claim alone as an 837, validated: a claim the guide refuses is parked before it spoils a batch. */
export function claimCheckFor(config: Config): ClaimCheck {
  const writer = batchWriter(config);
  return {
    check: (claim) =>
      writer.validate(
        writer.write([claim], { isaControl: 1, gsControl: 1, stStart: 1 }, true, new Date()).content,
      ),
  };
}

export function profileOf(config: Config): Hl7Profile {
  const profile = getProfile(config.intake.profile);
  if (!profile)
    throw permanent('CONFIG_PROFILE', `intake.profile: unknown HL7 profile '${config.intake.profile}'`);
  return profile;
}

/** Synthetic encounters over MLLP, as an EHR would send them (npm start). */
function startDemoFeed(appliance: Appliance, port: number, logger: Logger): { close(): Promise<void> } {
  let index = Math.floor(Date.now() / 1000) % 1_000_000; // unique across restarts of the demo
  let timer: NodeJS.Timeout | undefined;
  let client: MllpClient | undefined;
  const sendOne = async () => {
    try {
      client ??= await MllpClient.connect(port, '127.0.0.1', { timeoutMs: 10_000 });
      const m = demoDft(index++);
      await client.send(m.text);
    } catch (err) {
      client?.destroy();
      client = undefined;
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'demo feed could not send');
    }
  };
  void (async () => {
    for (let i = 0; i < 5; i++) await sendOne();
    timer = setInterval(() => void sendOne(), 20_000);
  })();
  void appliance;
  return {
    close: async () => {
      if (timer) clearInterval(timer);
      await client?.close();
    },
  };
}

export async function wireIntegrations(
  config: Config,
  logger: Logger,
  opts: { sandbox?: boolean; demoFeed: boolean },
): Promise<IntegrationWiring> {
  const profile = profileOf(config);
  const sandbox = opts.sandbox === false ? undefined : await startEmbeddedSandbox(config);
  if (sandbox)
    logger.info({ url: sandbox.url }, 'sandbox clearinghouse ready (test mode: nothing leaves this machine)');
  const wiring: IntegrationWiring = {
    validateEncounter: validateEncounterJson,
    writer: batchWriter(config),
    claimCheck: claimCheckFor(config),
    readers: x12Readers,
    transport: ({ cursors }) => transportFor(config, cursors, sandbox?.url),
    async afterStart(appliance) {
      if (sandbox) appliance.closers.unshift({ name: 'sandbox', close: () => sandbox.close() });
      const m = config.intake.mllp;
      if (m.enabled) {
        const mllp = createMllpServer({
          sink: appliance.sink,
          profile,
          logger,
          maxMessageBytes: m.max_message_bytes,
          idleTimeoutMs: m.idle_timeout_seconds * 1000,
          maxConnections: m.max_connections,
          tls:
            m.tls_cert && m.tls_key
              ? {
                  cert: readFileSync(m.tls_cert),
                  key: readFileSync(m.tls_key),
                  ca: m.tls_ca ? readFileSync(m.tls_ca) : undefined,
                }
              : undefined,
        });
        const { port } = await mllp.listen(m.port, m.host);
        logger.info({ port, host: m.host, profile: profile.name }, 'MLLP listener ready');
        appliance.closers.push({ name: 'mllp', close: () => mllp.close() });
        if (opts.demoFeed) {
          const feed = startDemoFeed(appliance, port, logger);
          appliance.closers.push({ name: 'demo-feed', close: () => feed.close() });
        }
        intakeSwitches.push({ stop: (r) => mllp.stopIntake(r), resume: () => mllp.resumeIntake() });
      }
      startPollers(appliance);
      startOps(appliance);
    },
  };
  const intakeSwitches: { stop(reason: string): void; resume(): void }[] = [];

  function startPollers(appliance: Appliance): void {
    const f = config.intake.file;
    if (f.enabled) {
      const drop = createFileDrop({
        inbox: f.inbox,
        archive: f.archive,
        quarantine: f.quarantine,
        settleMs: f.settle_ms,
        pollMs: f.poll_ms,
        sink: appliance.sink,
        profile,
        logger,
      });
      drop.start();
      appliance.closers.push({ name: 'file-drop', close: () => drop.stop() });
      logger.info({ inbox: f.inbox }, 'file drop watching');
    }
    const sf = config.intake.sftp;
    if (sf.enabled) {
      const pickup = createSftpPickup({
        host: sf.host,
        port: sf.port,
        username: sf.username,
        password: sf.password,
        privateKey: sf.private_key_file ? readFileSync(sf.private_key_file) : undefined,
        hostKeySha256: sf.host_key_sha256 ?? '',
        remoteDir: sf.remote_dir,
        after: sf.after,
        archiveDir: sf.archive_dir,
        quarantineDir: join(f.quarantine, 'sftp'),
        connectTimeoutMs: sf.connect_timeout_seconds * 1000,
        sink: appliance.sink,
        profile,
        logger,
      });
      pickup.start(sf.poll_seconds * 1000);
      appliance.closers.push({ name: 'sftp-pickup', close: () => pickup.stop() });
      logger.info({ host: sf.host, dir: sf.remote_dir }, 'SFTP pickup polling');
    }
    const r = config.intake.rest;
    if (r.enabled) {
      const poller = createRestPoller({
        name: 'ehr-rest',
        baseUrl: r.base_url,
        tokenUrl: r.token_url,
        clientId: r.client_id,
        clientSecret: r.client_secret,
        pageSize: r.page_size,
        maxRetries: r.max_retries,
        cursors: createCursorStore(appliance.store),
        sink: appliance.sink,
        logger,
      });
      poller.start(r.poll_seconds * 1000);
      appliance.closers.push({ name: 'rest-poller', close: () => poller.stop() });
      logger.info({ baseUrl: r.base_url }, 'EHR REST poller running');
    }
  }

  /** UPS and switch over SNMP, alerts, and the power policy (issue 7). */
  function startOps(appliance: Appliance): void {
    const alerter = createAlerter({
      holdSeconds: config.alerts.hold_seconds,
      sinks: sinksFromConfig(config.alerts, appliance.store),
      logger,
      resume: listOpenAlerts(appliance.store),
    });
    appliance.closers.push({ name: 'alerts', close: () => Promise.resolve(alerter.stop()) });
    if (config.snmp.targets.length === 0 && !config.snmp.traps_enabled) return;
    const power = createPowerPolicy({
      hold: appliance.hold,
      stopIntake: () => {
        appliance.sink.stop('power: UPS runtime low');
        for (const sw of intakeSwitches) sw.stop('power: UPS runtime low');
      },
      resumeIntake: () => {
        appliance.sink.resume();
        for (const sw of intakeSwitches) sw.resume();
      },
      checkpoint: () => {
        appliance.checkpointer.checkpointNow();
        appliance.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      },
      // The policy exits the process itself after this resolves (and runs power.shutdown_command).
      shutdown: (reason) => appliance.stop(`power: ${reason}`),
      alerts: alerter,
      logger,
      config,
    });
    const monitor = createSnmpMonitor({
      snmp: config.snmp,
      logger,
      onUps: (o) => {
        appliance.metrics.observeUps(o);
        power.onUps(o);
        const st = power.state();
        appliance.metrics.observePower(st.state, st.held);
        void appliance.health.refresh();
      },
      onSwitch: (r) => appliance.metrics.observeSwitch(r),
      onCondition: (c) => alerter.set(c),
      onEvent: (e) => alerter.event(e),
      onState: (st) => appliance.metrics.observeTarget(st),
    });
    appliance.health.add(createSnmpHealthSource({ monitor, config, power }));
    monitor.start();
    appliance.closers.push({ name: 'snmp', close: () => monitor.stop() });
  }
  return wiring;
}

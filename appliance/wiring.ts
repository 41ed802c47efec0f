// Which integrations the configured appliance uses: the one place (with the CLI verbs) that imports
// integrations/. main.ts composes the core; this file picks the outside world's implementations.
import { readFileSync } from 'node:fs';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Appliance, Wiring } from './main.js';
import type { Claim } from './domain/types.js';
import type { BatchWriter } from './pipeline/submit.js';
import { permanent } from './domain/errors.js';
import { write837 } from '../integrations/x12/write-837.js';
import { createMllpServer, MllpClient } from '../integrations/hl7/mllp.js';
import { getProfile, type Hl7Profile } from '../integrations/hl7/profiles.js';
import { read999, read277CA, read835 } from '../integrations/x12/read.js';
import { sniffKind } from '../integrations/clearinghouse/kind.js';
import {
  createRestTransport,
  createSandboxTransport,
  SANDBOX_ACCOUNT_KEY,
} from '../integrations/clearinghouse/rest.js';
import { createSftpTransport } from '../integrations/clearinghouse/sftp.js';
import { serveSandbox, type RunningSandbox } from '../integrations/clearinghouse/sandbox/serve.js';
import type { ClearinghouseTransport, CursorStore } from './ports.js';
import type { X12Readers } from './pipeline/remit-stage.js';
import { demoDft } from '../ops/demo-feed.js';

export interface IntegrationWiring extends Wiring {
  /** Start listeners/pollers that need the running appliance (MLLP, file drop, SNMP, demo feed). */
  afterStart?: (appliance: Appliance) => Promise<void>;
  /** The power policy asks for a clean stop. */
  onShutdownRequest?: (handler: (reason: string) => void) => void;
}

/** The 837 writer with the practice's submitter identity and the clearinghouse's receiver. */
export function batchWriter(config: Config, validate: (content: string) => string[] = () => []): BatchWriter {
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
  read999: (content) => read999(content),
  read277CA: (content) => read277CA(content),
  read835: (content) => read835(content),
};

/** The configured clearinghouse transport (the sandbox's URL is known once it listens). */
export function transportFor(
  config: Config,
  cursors: CursorStore,
  sandboxUrl: string | undefined,
): ClearinghouseTransport {
  const ch = config.clearinghouse;
  const timeout = ch.request_timeout_seconds * 1000;
  switch (ch.transport) {
    case 'sandbox': {
      const url = sandboxUrl ?? `http://${config.sandbox.host}:${config.sandbox.port}`;
      return createSandboxTransport(url, {
        cursors,
        requestTimeoutMs: timeout,
        accountKey: SANDBOX_ACCOUNT_KEY,
      });
    }
    case 'rest':
      return createRestTransport({
        baseUrl: ch.base_url,
        accountKey: ch.account_key,
        cursors,
        requestTimeoutMs: timeout,
        name: 'rest',
      });
    case 'sftp': {
      const s = ch.sftp;
      return createSftpTransport({
        host: s.host,
        port: s.port,
        username: s.username,
        password: s.password,
        privateKey: s.private_key_file ? readFileSync(s.private_key_file) : undefined,
        hostKeySha256: s.host_key_sha256 ?? '',
        inboundDir: s.inbound_dir,
        outboundDir: s.outbound_dir,
        archiveDir: s.archive_dir,
        connectTimeoutMs: s.connect_timeout_seconds * 1000,
      });
    }
  }
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
  });
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
    writer: batchWriter(config),
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
      }
    },
  };
  return wiring;
}

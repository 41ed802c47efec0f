// The clearinghouse transports and the one place that picks one from config (main.ts calls it).
import { readFileSync } from 'node:fs';
import type { Config } from '../../appliance/config.js';
import type { ClearinghouseTransport, Clock, CursorStore } from '../../appliance/ports.js';
import { createRestTransport, createSandboxTransport } from './rest.js';
import { createSftpTransport } from './sftp.js';

export {
  createRestTransport,
  createSandboxTransport,
  memoryCursorStore,
  SANDBOX_ACCOUNT_KEY,
  type RestTransport,
  type RestTransportOptions,
} from './rest.js';
export { createSftpTransport, sshFingerprint, type SftpTransportOptions } from './sftp.js';
export { sniffKind } from './kind.js';
export { createSandbox, type Sandbox, type SandboxOptions } from './sandbox/app.js';
export { serveSandbox, type RunningSandbox } from './sandbox/serve.js';
export { benchClearinghouse, type BenchRow } from './bench.js';

export interface TransportDeps {
  cursors: CursorStore;
  /** Where the sandbox listens when transport = 'sandbox' (serveSandbox's url); default from [sandbox]. */
  sandboxUrl?: string;
  clock?: Clock;
}

/** config [clearinghouse] → the transport it names. Config validation already checked the required keys. */
export function createTransportFromConfig(config: Config, deps: TransportDeps): ClearinghouseTransport {
  const ch = config.clearinghouse;
  const requestTimeoutMs = ch.request_timeout_seconds * 1000;
  const common = { cursors: deps.cursors, requestTimeoutMs, ...(deps.clock ? { clock: deps.clock } : {}) };
  switch (ch.transport) {
    case 'sandbox': {
      const host = config.sandbox.host.includes(':') ? `[${config.sandbox.host}]` : config.sandbox.host;
      return createSandboxTransport(deps.sandboxUrl ?? `http://${host}:${config.sandbox.port}`, common);
    }
    case 'rest':
      return createRestTransport({ baseUrl: ch.base_url, accountKey: ch.account_key, ...common });
    case 'sftp': {
      const s = ch.sftp;
      return createSftpTransport({
        host: s.host,
        port: s.port,
        username: s.username,
        ...(s.password !== undefined ? { password: s.password } : {}),
        ...(s.private_key_file ? { privateKey: readFileSync(s.private_key_file) } : {}),
        hostKeySha256: s.host_key_sha256 ?? '',
        inboundDir: s.inbound_dir,
        outboundDir: s.outbound_dir,
        ...(s.archive_dir ? { archiveDir: s.archive_dir } : {}),
        connectTimeoutMs: s.connect_timeout_seconds * 1000,
        recurseOutbound: true,
      });
    }
  }
}

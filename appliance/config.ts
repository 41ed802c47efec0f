// One typed config, validated once at start. Every key has a default; every problem is reported at
// once with its key path; a bad config exits 78 (EX_CONFIG). Keys are snake_case exactly as they
// are written in claimbox.toml, so an error message names the key the technician must edit.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { resolve, dirname, isAbsolute } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

export const EX_CONFIG = 78;

const port = z.number().int().min(0).max(65535);
const seconds = z.number().positive();
const npi = z.string().regex(/^\d{10}$/, 'an NPI is 10 digits');

const address = z
  .object({
    line1: z.string().min(1),
    line2: z.string().optional(),
    city: z.string().min(1),
    state: z.string().regex(/^[A-Z]{2}$/, 'a 2-letter state code'),
    zip: z.string().regex(/^\d{5}(\d{4})?$/, '5 or 9 digits'),
  })
  .strict();

const sftpPeer = {
  host: z.string().default(''),
  port: port.default(22),
  username: z.string().default(''),
  password: z.string().optional(),
  private_key_file: z.string().optional(),
  /** Pinned host key: 'SHA256:<base64>' as `ssh-keygen -lf` prints it. Required when enabled. */
  host_key_sha256: z.string().optional(),
  connect_timeout_seconds: seconds.default(20),
};

const snmpTarget = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['ups', 'switch']),
    /** For a UPS: which MIB to read. */
    mib: z.enum(['rfc1628', 'apc']).default('rfc1628'),
    host: z.string().min(1),
    port: port.default(161),
    version: z.enum(['2c', '3']).default('2c'),
    community: z.string().default('public'),
    user: z.string().optional(),
    auth_protocol: z.enum(['sha', 'sha256', 'md5']).default('sha'),
    auth_key: z.string().optional(),
    priv_protocol: z.enum(['aes', 'aes256b', 'des']).default('aes'),
    priv_key: z.string().optional(),
    timeout_ms: z.number().int().positive().default(2000),
    retries: z.number().int().min(0).default(1),
    /** Switch ports to watch (ifName or ifIndex). */
    watch_ports: z.array(z.string()).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    /** Optional 0600 TOML file merged over this one (secrets: account keys, passwords). */
    secrets_file: z.string().optional(),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: port.default(8080),
        tls_cert: z.string().optional(),
        tls_key: z.string().optional(),
        /** Trust X-Forwarded-For from this proxy address only. */
        trusted_proxy: z.string().optional(),
      })
      .strict()
      .prefault({}),
    data: z
      .object({
        dir: z.string().default('./data'),
        /** Raw inbound messages are kept for replay this many days, then pruned. */
        raw_retention_days: z.number().int().positive().default(90),
        backup_dir: z.string().default('./data/backups'),
        /** `claimbox backup` keeps this many newest backups in backup_dir and prunes older ones. */
        backup_keep: z.number().int().positive().default(14),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
    /** The billing provider (2010AA) and submitter contact. Defaults are the demo practice. */
    practice: z
      .object({
        name: z.string().min(1).default('Maple Street Family Practice'),
        npi: npi.default('1234567893'),
        tax_id: z
          .string()
          .regex(/^\d{9}$/, 'an EIN is 9 digits')
          .default('741111111'),
        taxonomy: z.string().default('207Q00000X'),
        address: address.prefault({
          line1: '100 Maple St',
          city: 'Springfield',
          state: 'IL',
          zip: '627010001',
        }),
        contact_name: z.string().default('Billing Office'),
        contact_phone: z
          .string()
          .regex(/^\d{10}$/, '10 digits')
          .default('2175550100'),
        kind: z.enum(['medical', 'dental']).default('medical'),
      })
      .strict()
      .prefault({}),
    pipeline: z
      .object({
        /** Items per transaction (group commit). */
        batch_size: z.number().int().positive().max(10000).default(500),
        idle_poll_ms: z.number().int().positive().default(200),
        retry_base_ms: z.number().int().positive().default(1000),
        retry_max_ms: z.number().int().positive().default(300_000),
        max_attempts: z.number().int().positive().default(8),
      })
      .strict()
      .prefault({}),
    intake: z
      .object({
        /** Which EHR profile reads inbound HL7 (see integrations/hl7/profiles). */
        profile: z.string().default('generic-2.5'),
        mllp: z
          .object({
            enabled: z.boolean().default(true),
            host: z.string().default('127.0.0.1'),
            port: port.default(2575),
            max_message_bytes: z.number().int().positive().default(1_048_576),
            idle_timeout_seconds: seconds.default(600),
            max_connections: z.number().int().positive().default(10),
            tls_cert: z.string().optional(),
            tls_key: z.string().optional(),
            tls_ca: z.string().optional(),
          })
          .strict()
          .prefault({}),
        file: z
          .object({
            enabled: z.boolean().default(false),
            inbox: z.string().default('./data/inbox'),
            archive: z.string().default('./data/archive'),
            quarantine: z.string().default('./data/quarantine'),
            settle_ms: z.number().int().min(0).default(2000),
            poll_ms: z.number().int().positive().default(1000),
          })
          .strict()
          .prefault({}),
        sftp: z
          .object({
            enabled: z.boolean().default(false),
            ...sftpPeer,
            remote_dir: z.string().default('/export'),
            /** After a durable store: delete the remote file, or move it to archive_dir. */
            after: z.enum(['delete', 'move']).default('delete'),
            archive_dir: z.string().default('/export/processed'),
            poll_seconds: seconds.default(60),
          })
          .strict()
          .prefault({}),
        api: z
          .object({
            enabled: z.boolean().default(true),
            /** Bearer tokens EHR webhooks present. Put them in secrets_file. */
            tokens: z.array(z.string().min(16, 'at least 16 characters')).default([]),
          })
          .strict()
          .prefault({}),
        rest: z
          .object({
            enabled: z.boolean().default(false),
            base_url: z.string().default(''),
            token_url: z.string().default(''),
            client_id: z.string().default(''),
            client_secret: z.string().default(''),
            poll_seconds: seconds.default(300),
            page_size: z.number().int().positive().default(100),
            max_retries: z.number().int().min(0).default(5),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    coding: z
      .object({
        /** Sample table set loaded into an empty database: family-medicine | general-dentistry | none. */
        table_set: z.string().default('family-medicine'),
      })
      .strict()
      .prefault({}),
    submission: z
      .object({
        /** immediate: as soon as claims are ready; scheduled: every interval_minutes. */
        mode: z.enum(['immediate', 'scheduled']).default('immediate'),
        interval_minutes: z.number().positive().default(60),
        /** Hold switch: no new batches start (people and the power policy set it too). */
        hold: z.boolean().default(false),
        max_claims_per_batch: z.number().int().positive().max(5000).default(1000),
      })
      .strict()
      .prefault({}),
    clearinghouse: z
      .object({
        transport: z.enum(['sandbox', 'rest', 'sftp']).default('sandbox'),
        /** Live submission must be switched on explicitly; otherwise ISA15 = T. */
        live: z.boolean().default(false),
        base_url: z.string().default(''),
        account_key: z.string().default(''),
        submitter_id: z.string().default('CLAIMBOX01'),
        receiver_id: z.string().default('CLAIMMD'),
        receiver_name: z.string().default('CLAIM.MD'),
        poll_seconds: seconds.default(30),
        request_timeout_seconds: seconds.default(60),
        sftp: z
          .object({
            ...sftpPeer,
            inbound_dir: z.string().default('/SendFiles'),
            outbound_dir: z.string().default('/ReceiveFiles'),
            archive_dir: z.string().optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    sandbox: z
      .object({
        /** Start the sandbox clearinghouse inside `serve` (the embedded default). */
        embedded: z.boolean().default(true),
        host: z.string().default('127.0.0.1'),
        port: port.default(8091),
        seed: z.number().int().default(42),
        /** Delay before the sandbox makes an 835 available, in seconds. */
        era_delay_seconds: z.number().min(0).default(2),
        /**
         * The sandbox's own SQLite file (uploads, responses, ERAs), relative to data.dir; '' keeps its
         * state in memory. Durable by default so a restart keeps ResponseIDs the appliance's cursors know.
         */
        state_file: z.string().default('sandbox.sqlite'),
      })
      .strict()
      .prefault({}),
    remit: z
      .object({
        /** Review-and-approve by default; auto-post only when switched on. */
        auto_post: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        checkpoint_every: z.number().int().positive().default(1000),
        checkpoint_minutes: z.number().positive().default(15),
        /** Ed25519 signing key, kept outside the database (0600). Created on first start. */
        key_file: z.string().default('./data/audit-key.pem'),
        /** Append-only copy of each checkpoint (put it on the backup volume). */
        sink_file: z.string().default('./data/audit-checkpoints.jsonl'),
        syslog: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    snmp: z
      .object({
        poll_seconds: seconds.default(5),
        trap_port: port.default(1162),
        trap_host: z.string().default('0.0.0.0'),
        traps_enabled: z.boolean().default(false),
        trap_community: z.string().default('public'),
        targets: z.array(snmpTarget).default([]),
      })
      .strict()
      .prefault({}),
    power: z
      .object({
        /** Stop cleanly when the UPS reports less runtime than this. */
        shutdown_runtime_minutes: z.number().min(0).default(5),
        /** Optional host command after a clean stop, e.g. 'systemctl poweroff'. */
        shutdown_command: z.string().default(''),
      })
      .strict()
      .prefault({}),
    health: z
      .object({
        refresh_seconds: seconds.default(5),
        disk_warn_free_pct: z.number().min(0).max(100).default(15),
        disk_critical_free_pct: z.number().min(0).max(100).default(5),
        backlog_warn: z.number().int().positive().default(1000),
        oldest_item_warn_seconds: z.number().positive().default(900),
        intake_silence_warn_minutes: z.number().positive().default(240),
        clock_offset_warn_ms: z.number().positive().default(1000),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /** A condition must hold this long before it alerts. */
        hold_seconds: z.number().min(0).default(30),
        webhook_url: z.string().default(''),
        syslog: z.boolean().default(true),
        smtp: z
          .object({
            host: z.string().default(''),
            port: port.default(587),
            secure: z.boolean().default(false),
            username: z.string().default(''),
            password: z.string().default(''),
            from: z.string().default('claimbox@localhost'),
            to: z.array(z.string()).default([]),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export interface ConfigProblem {
  key: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(source: string, problems: ConfigProblem[]) {
    super(
      `invalid configuration in ${source}:\n` + problems.map((p) => `  ${p.key}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** `CLAIMBOX__clearinghouse__account_key=...` sets clearinghouse.account_key (secrets from env). */
function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('CLAIMBOX__') || raw === undefined) continue;
    const path = name.slice('CLAIMBOX__'.length).split('__').filter(Boolean);
    if (path.length === 0) continue;
    let value: unknown = raw;
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    let node: Record<string, unknown> = { [path[path.length - 1]!]: value };
    for (let i = path.length - 2; i >= 0; i--) node = { [path[i]!]: node };
    out = deepMerge(out, node);
  }
  return out;
}

function readToml(file: string, problems: ConfigProblem[], key: string): Record<string, unknown> {
  try {
    return parseToml(readFileSync(file, 'utf8'));
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    problems.push({ key, message: `cannot read ${file}: ${msg}` });
    return {};
  }
}

export interface LoadedConfig {
  config: Config;
  /** The file read, or 'embedded defaults'. */
  source: string;
}

/** Where scripts/install.sh puts the config; the CLI finds it there without CLAIMBOX_CONFIG. */
export const INSTALLED_CONFIG = '/etc/claimbox/claimbox.toml';

/**
 * The config file to use: --config, else CLAIMBOX_CONFIG, else ./claimbox.toml if present, else
 * the installed /etc/claimbox/claimbox.toml if present (a technician running `claimbox user add`
 * as root from any folder must reach the installed appliance, not embedded dev defaults).
 */
export function configPath(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (explicit) return explicit;
  if (env.CLAIMBOX_CONFIG) return env.CLAIMBOX_CONFIG;
  if (existsSync('claimbox.toml')) return 'claimbox.toml';
  if (existsSync(INSTALLED_CONFIG)) return INSTALLED_CONFIG;
  return undefined;
}

/**
 * Read, merge (file ← secrets file ← env) and validate. Throws ConfigError listing every problem.
 * Relative paths in the config resolve against the config file's folder (or the cwd for defaults).
 */
export function loadConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = configPath(explicit, env);
  const problems: ConfigProblem[] = [];
  let raw: Record<string, unknown> = {};
  if (file !== undefined) {
    if (!existsSync(file)) problems.push({ key: '(file)', message: `config file ${file} does not exist` });
    else raw = readToml(file, problems, '(file)');
  }
  const secretsFile = typeof raw.secrets_file === 'string' ? raw.secrets_file : undefined;
  if (secretsFile) {
    const path = file && !isAbsolute(secretsFile) ? resolve(dirname(file), secretsFile) : secretsFile;
    if (!existsSync(path)) problems.push({ key: 'secrets_file', message: `${path} does not exist` });
    else {
      if ((statSync(path).mode & 0o077) !== 0)
        problems.push({
          key: 'secrets_file',
          message: `${path} must not be readable by group or others (chmod 600)`,
        });
      raw = deepMerge(raw, readToml(path, problems, 'secrets_file'));
    }
  }
  raw = deepMerge(raw, envOverrides(env));
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(root)';
      const message =
        issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message;
      problems.push({
        key: issue.code === 'unrecognized_keys' && key === '(root)' ? issue.keys.join(', ') : key,
        message,
      });
    }
  }
  const source = file ?? 'embedded defaults';
  if (problems.length > 0 || !parsed.success) throw new ConfigError(source, problems);
  const config = parsed.data;
  if (env.CLAIMBOX_DATA_DIR) setDataDir(config, env.CLAIMBOX_DATA_DIR);
  crossChecks(config, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config, source };
}

/** Rules that span keys. */
function crossChecks(c: Config, problems: ConfigProblem[]): void {
  if (c.intake.sftp.enabled) {
    if (!c.intake.sftp.host)
      problems.push({ key: 'intake.sftp.host', message: 'required when intake.sftp.enabled' });
    if (!c.intake.sftp.password && !c.intake.sftp.private_key_file)
      problems.push({ key: 'intake.sftp', message: 'give password or private_key_file' });
    if (!c.intake.sftp.host_key_sha256)
      problems.push({
        key: 'intake.sftp.host_key_sha256',
        message: 'pin the server host key (ssh-keygen -lf)',
      });
  }
  if (c.intake.rest.enabled) {
    for (const k of ['base_url', 'token_url', 'client_id', 'client_secret'] as const)
      if (!c.intake.rest[k])
        problems.push({ key: `intake.rest.${k}`, message: 'required when intake.rest.enabled' });
  }
  if (c.clearinghouse.transport === 'rest') {
    if (!c.clearinghouse.base_url)
      problems.push({ key: 'clearinghouse.base_url', message: 'required for the rest transport' });
    if (!c.clearinghouse.account_key)
      problems.push({
        key: 'clearinghouse.account_key',
        message: 'required for the rest transport (secrets_file)',
      });
  }
  if (c.clearinghouse.transport === 'sftp') {
    const s = c.clearinghouse.sftp;
    if (!s.host)
      problems.push({ key: 'clearinghouse.sftp.host', message: 'required for the sftp transport' });
    if (!s.host_key_sha256)
      problems.push({
        key: 'clearinghouse.sftp.host_key_sha256',
        message: 'pin the server host key (ssh-keygen -lf)',
      });
  }
  if (c.clearinghouse.live && c.clearinghouse.transport === 'sandbox')
    problems.push({ key: 'clearinghouse.live', message: 'the sandbox cannot be live; choose rest or sftp' });
  if ((c.server.tls_cert === undefined) !== (c.server.tls_key === undefined))
    problems.push({ key: 'server.tls_cert', message: 'tls_cert and tls_key go together' });
  if ((c.intake.mllp.tls_cert === undefined) !== (c.intake.mllp.tls_key === undefined))
    problems.push({ key: 'intake.mllp.tls_cert', message: 'tls_cert and tls_key go together' });
  for (const [i, t] of c.snmp.targets.entries()) {
    if (t.version === '3' && (!t.user || !t.auth_key || !t.priv_key))
      problems.push({
        key: `snmp.targets.${i}`,
        message: 'SNMPv3 authPriv needs user, auth_key and priv_key',
      });
  }
  if (c.practice.address.zip.length !== 9)
    problems.push({
      key: 'practice.address.zip',
      message: 'the billing provider needs a 9-digit ZIP+4 (837 2010AA N403); add the 4-digit suffix',
    });
  if (c.health.disk_critical_free_pct >= c.health.disk_warn_free_pct)
    problems.push({ key: 'health.disk_critical_free_pct', message: 'must be below disk_warn_free_pct' });
}

/**
 * Move the data dir, and with it every path that was left at its default under ./data (inbox,
 * archive, quarantine, backups, audit key and sink), so CLAIMBOX_DATA_DIR moves everything.
 */
export function setDataDir(config: Config, dir: string): void {
  const old = config.data.dir.replace(/\/+$/, '');
  const move = (p: string) => (p === old || p.startsWith(old + '/') ? dir + p.slice(old.length) : p);
  config.data.dir = dir;
  config.data.backup_dir = move(config.data.backup_dir);
  config.intake.file.inbox = move(config.intake.file.inbox);
  config.intake.file.archive = move(config.intake.file.archive);
  config.intake.file.quarantine = move(config.intake.file.quarantine);
  config.audit.key_file = move(config.audit.key_file);
  config.audit.sink_file = move(config.audit.sink_file);
}

/** The defaults alone (tests, `claimbox demo`). */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

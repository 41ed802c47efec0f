// One net-snmp session per configured target (v2c community or v3 authPriv), wrapped in promises
// and normalized values. Timeouts and retries come from [snmp].targets; failures are transient
// ClaimboxErrors so pollers can log them and carry on.
import snmp from 'net-snmp';
import type { Config } from '../../appliance/config.js';
import { transient } from '../../appliance/domain/errors.js';

export type SnmpTargetConfig = Config['snmp']['targets'][number];

/** A varbind value as claimbox uses it: Counter64 as bigint, OctetString as text, missing as null. */
export type SnmpValue = number | bigint | string | null;

export interface SnmpVar {
  oid: string;
  value: SnmpValue;
}

export interface SnmpClient {
  readonly target: SnmpTargetConfig;
  /** Values keyed by the requested OID (no leading dot); null for noSuchObject/noSuchInstance. */
  get(oids: readonly string[]): Promise<Map<string, SnmpValue>>;
  /** Every varbind under `base` (GETBULK walk on v2c/v3). */
  walk(base: string): Promise<SnmpVar[]>;
  close(): void;
}

const OCTET_STRING = 4;
const COUNTER64 = 70;

export function normalizeOid(oid: string): string {
  return oid.startsWith('.') ? oid.slice(1) : oid;
}

/** Convert one net-snmp varbind to a SnmpValue (pure; exported for tests). */
export function varbindValue(vb: snmp.Varbind): SnmpValue {
  if (snmp.isVarbindError(vb)) return null;
  const v = vb.value;
  if (vb.type === COUNTER64 && Buffer.isBuffer(v)) {
    // Counter64 arrives big-endian and may be shorter than 8 bytes (leading zeros stripped).
    let n = 0n;
    for (const byte of v) n = (n << 8n) | BigInt(byte);
    return n;
  }
  if (Buffer.isBuffer(v)) return vb.type === OCTET_STRING ? v.toString('utf8') : v.toString('hex');
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  return null;
}

function authProtocol(p: SnmpTargetConfig['auth_protocol']): number {
  const n = snmp.AuthProtocols[p];
  if (n === undefined) throw new Error(`unsupported auth protocol ${p}`);
  return n;
}

function privProtocol(p: SnmpTargetConfig['priv_protocol']): number {
  const n = snmp.PrivProtocols[p];
  if (n === undefined) throw new Error(`unsupported privacy protocol ${p}`);
  return n;
}

/** Open a session for one target. The UDP socket is opened here and closed by close(). */
export function createSnmpClient(target: SnmpTargetConfig): SnmpClient {
  const options: snmp.SessionOptions = {
    port: target.port,
    retries: target.retries,
    timeout: target.timeout_ms,
    transport: target.host.includes(':') ? 'udp6' : 'udp4',
  };
  const session =
    target.version === '3'
      ? snmp.createV3Session(
          target.host,
          {
            name: target.user ?? '',
            // config.ts crossChecks guarantees user, auth_key and priv_key for version 3.
            level: snmp.SecurityLevel.authPriv,
            authProtocol: authProtocol(target.auth_protocol),
            authKey: target.auth_key ?? '',
            privProtocol: privProtocol(target.priv_protocol),
            privKey: target.priv_key ?? '',
          },
          { ...options, version: snmp.Version3 },
        )
      : snmp.createSession(target.host, target.community, { ...options, version: snmp.Version2c });
  // A socket error must not become an unhandled 'error' event (it would kill the process).
  session.on('error', () => undefined);
  let closed = false;

  const fail = (what: string, err: Error) =>
    transient('SNMP_REQUEST_FAILED', `snmp ${what} to ${target.name} failed: ${err.message}`, err);

  return {
    target,
    get(oids) {
      return new Promise((resolve, reject) => {
        const wanted = oids.map(normalizeOid);
        session.get(wanted, (error, varbinds) => {
          if (error) return reject(fail('get', error));
          const out = new Map<string, SnmpValue>();
          wanted.forEach((oid, i) => {
            const vb = varbinds?.[i];
            out.set(oid, vb ? varbindValue(vb) : null);
          });
          resolve(out);
        });
      });
    },
    walk(base) {
      return new Promise((resolve, reject) => {
        const out: SnmpVar[] = [];
        session.walk(
          normalizeOid(base),
          20,
          (varbinds) => {
            for (const vb of varbinds) {
              if (snmp.isVarbindError(vb)) continue;
              out.push({ oid: normalizeOid(vb.oid), value: varbindValue(vb) });
            }
          },
          (error) => (error ? reject(fail('walk', error)) : resolve(out)),
        );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        session.close();
      } catch {
        // already closed by a socket error
      }
    },
  };
}

// The checkpoint signing key (issue 6): Ed25519, kept outside the database in a 0600 PEM file, so
// whoever can rewrite the database still cannot sign a checkpoint for the rewrite.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

/** First 16 hex digits of SHA-256 over the SubjectPublicKeyInfo DER: names the key in checkpoints. */
export function keyIdOf(publicKey: KeyObject): string {
  return hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'hex').slice(0, 16);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Read the key file, or create it (exclusively, mode 0600) when it does not exist. A key file that
 * group or others can read is refused: a leaked key lets anyone sign a forged checkpoint.
 */
export function loadOrCreateSigningKey(path: string): SigningKey {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readSigningKey(path);
      throw err;
    }
    try {
      writeSync(fd, pem);
    } finally {
      closeSync(fd);
    }
  }
  return readSigningKey(path);
}

export function readSigningKey(path: string): SigningKey {
  const mode = statSync(path).mode;
  if ((mode & 0o077) !== 0)
    throw new AuditKeyError(
      `audit key ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path));
  } catch (err) {
    throw new AuditKeyError(`audit key ${path} is not a PEM private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError(`audit key ${path} is ${privateKey.asymmetricKeyType}, not ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKeyPem(publicKey), keyId: keyIdOf(publicKey) };
}

/** A public key from PEM text, a PEM file, or a private key file (its public half). */
export function toPublicKey(key: KeyObject | string): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  const text = key.includes('-----BEGIN') ? key : readFileSync(key, 'utf8');
  return createPublicKey(text);
}

/** The signed statement: "the log had this head at this sequence at this time". */
export function checkpointMessage(seq: number, headHash: string, ts: number): Buffer {
  return Buffer.from(`claimbox-audit-checkpoint:v1:${seq}:${headHash}:${ts}`, 'utf8');
}

export function signCheckpoint(key: SigningKey, seq: number, headHash: string, ts: number): string {
  return sign(null, checkpointMessage(seq, headHash, ts), key.privateKey).toString('base64');
}

export function checkpointSignatureValid(
  publicKey: KeyObject,
  seq: number,
  headHash: string,
  ts: number,
  signature: string,
): boolean {
  try {
    return verify(null, checkpointMessage(seq, headHash, ts), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

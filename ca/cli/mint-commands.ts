import { X509Certificate, createPublicKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { subjectPublicKeyInfoOf } from '../../agent-sdk/certificate.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { AdminClient } from '../admin-client.js';
import type { Output } from './commands.js';

/**
 * `tessera x509 mint`: an X509-SVID for a service identity. Only the public key
 * goes to the CA: read from `publicKeyFile` (PEM SubjectPublicKeyInfo), or the
 * public half of a new P-256 key written to `keyOut` (0600, never over an
 * existing file). Prints the chain as PEM, or with `json` one object with the
 * serial (for `tessera revoke --serial`) and the PEM chain.
 */
export async function mintX509Command(
  socket: string, params: { spiffeId: string; publicKeyFile?: string; keyOut?: string; ttlMs?: number; json?: boolean }, io: Output,
): Promise<number> {
  if ((params.publicKeyFile === undefined) === (params.keyOut === undefined)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'name exactly one of --public-key (a key you hold) and --key-out (make one here)');
  }
  const publicKey = params.publicKeyFile !== undefined ? await readPublicKey(params.publicKeyFile) : await newKeyFile(params.keyOut!);
  const admin = new AdminClient(socket);
  try {
    const minted = await admin.mintX509Svid({ spiffeId: params.spiffeId, publicKey, ...(params.ttlMs !== undefined && { ttlMs: params.ttlMs }) });
    const chain = minted.certificates.map((der) => new X509Certificate(der).toString());
    if (params.json) {
      io.out(JSON.stringify({
        spiffeId: params.spiffeId, serial: minted.serial, expiresAt: new Date(Number(minted.expiresAtMs)).toISOString(), certificates: chain,
        ...(params.keyOut !== undefined && { keyFile: params.keyOut }),
      }));
    } else {
      io.out(chain.join('').trimEnd());
    }
    return 0;
  } finally {
    admin.close();
  }
}

/**
 * `tessera jwt mint`: a standard JWT-SVID for a service identity and its
 * audiences. Prints the token alone (to pipe into a header), or with `json` one
 * object with its audiences and expiry. The token is a bearer secret: stdout only.
 */
export async function mintJwtCommand(
  socket: string, params: { spiffeId: string; audience: readonly string[]; ttlMs?: number; json?: boolean }, io: Output,
): Promise<number> {
  const admin = new AdminClient(socket);
  try {
    const minted = await admin.mintJwtSvid({ spiffeId: params.spiffeId, audience: params.audience, ...(params.ttlMs !== undefined && { ttlMs: params.ttlMs }) });
    io.out(params.json
      ? JSON.stringify({ spiffeId: params.spiffeId, audience: params.audience, expiresAt: new Date(minted.expiresAtMs).toISOString(), token: minted.token })
      : minted.token);
    return 0;
  } finally {
    admin.close();
  }
}

/** A PEM public key (SPKI) as DER; a private key is refused, so it is never read by accident. */
async function readPublicKey(file: string): Promise<Buffer> {
  const pem = await readFile(file, 'utf8');
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) throw new TesseraError('ERR_INVALID_ARGUMENT', `${file} is not a PEM public key (BEGIN PUBLIC KEY)`);
  try {
    return createPublicKey({ key: pem, format: 'pem' }).export({ format: 'der', type: 'spki' });
  } catch {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `${file} is not a PEM public key (BEGIN PUBLIC KEY)`);
  }
}

/** Makes a P-256 key, writes its private half to `file` (PKCS #8 PEM, 0600) and returns the public half as DER. */
async function newKeyFile(file: string): Promise<Buffer> {
  const privateKey = generateP256Key();
  try {
    await writeFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TesseraError('ERR_INVALID_ARGUMENT', `${file} exists: a key file is never overwritten`);
    throw err;
  }
  return subjectPublicKeyInfoOf(privateKey);
}

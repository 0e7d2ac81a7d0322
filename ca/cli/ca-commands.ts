import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { KEK_FILE, KeyVault } from '../authority/key-vault.js';
import { type CaCredential, type CaRoot, keysDir, loadOrCreateRoot, writeAtomically, writeCredential } from '../authority/keys.js';
import { checkImportedIntermediate, checkOperatorRoot } from '../authority/imported-intermediate.js';
import { claimAdminSocket } from '../admin-socket.js';
import type { CaConfig } from '../config.js';
import type { Output } from './commands.js';

/** The operator's root and the intermediate it signed, as files (`ca init --root-cert`). */
export interface OperatorKeyFiles {
  rootCert: string;
  intermediateCert: string;
  intermediateKey: string;
}

/**
 * `tessera ca init`: makes the data directory, the root and the key-encryption
 * key (or loads them), or takes the operator's root and intermediate from
 * `operatorKeys`, checked before anything is written. Prints where the trust
 * bundle is and the root's fingerprint. Exit code 0.
 *
 * @throws {TesseraError} ERR_AUTHORITY_INVALID for an unfit root or intermediate; ERR_CONFIG_INVALID
 *   when the data directory holds other keys; whatever claiming the admin socket throws while a CA runs.
 */
export async function initCa(config: CaConfig, params: { operatorKeys?: OperatorKeyFiles; json: boolean }, io: Output): Promise<number> {
  // Checked before anything is written: an unfit root or intermediate leaves no trace.
  const brought = params.operatorKeys && await checkOperatorKeys(params.operatorKeys, config.trustDomain);
  // A running CA holds these keys: never write beside it.
  await claimAdminSocket(config.adminSocket);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await chmod(config.dataDir, 0o700);
  const keys = await keysDir(config.dataDir);
  if (brought) await writeOperatorKeys(keys, brought);
  // The signing authorities (intermediate, JWT key) live in the store with their lifecycle: the first start makes them
  // (or adopts the intermediate brought here, sealing its key into the store).
  const root = await loadOrCreateRoot(keys, { trustDomain: config.trustDomain, clock: systemClock, rootTtlMs: config.ttl.rootMs });
  const vault = await KeyVault.loadOrCreate(keys);
  const result = {
    trustDomain: config.trustDomain,
    dataDir: config.dataDir,
    bundle: join(config.dataDir, 'keys/root-cert.pem'),
    rootSha256: createHash('sha256').update(root.der).digest('hex'),
    rootExpiresAt: new Date(root.notAfterMs).toISOString(),
    keyEncryptionKey: join(keys, KEK_FILE),
    keyEncryptionKeyId: vault.id,
    rootKey: root.privateKey ? 'on this host' : 'offline',
    ...(brought && { intermediateExpiresAt: new Date(brought.intermediate.notAfterMs).toISOString() }),
  };
  io.out(params.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k.padEnd(21)} ${v}`).join('\n'));
  return 0;
}

/**
 * The operator's root and the intermediate it (or an upstream CA) signed, checked.
 *
 * @throws {TesseraError} ERR_AUTHORITY_INVALID naming what is unfit.
 */
async function checkOperatorKeys(files: OperatorKeyFiles, trustDomain: string) {
  const nowMs = systemClock.now();
  const root = checkOperatorRoot(await readFile(files.rootCert, 'utf8'), nowMs);
  const intermediate = checkImportedIntermediate({
    certificatesPem: await readFile(files.intermediateCert, 'utf8'), keyPem: await readFile(files.intermediateKey, 'utf8'), root, trustDomain, nowMs,
  });
  return { root, intermediate };
}

/**
 * Writes the root certificate alone and the intermediate where the first start
 * adopts it as the active authority.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when this data directory already has
 *   another root or has started with its own intermediates.
 */
async function writeOperatorKeys(dir: string, { root, intermediate }: { root: CaRoot; intermediate: CaCredential }): Promise<void> {
  const present = await readdir(dir);
  if (present.includes('root-key.pem')) throw new TesseraError('ERR_CONFIG_INVALID', `${dir} already has a root made by this CA`);
  if (present.includes('root-cert.pem') && !(await readFile(join(dir, 'root-cert.pem'), 'utf8')).includes(derToPem(root.der).trim())) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${dir} already has another root`);
  }
  if (present.some((name) => name.startsWith('intermediate-') || name.startsWith('x509-'))) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${dir} already has intermediates: bring the next one to the running CA with tessera authority x509 prepare --cert FILE --key FILE`);
  }
  await writeAtomically(join(dir, 'root-cert.pem'), derToPem(root.der), 0o644);
  await writeCredential(dir, 'intermediate', intermediate);
}

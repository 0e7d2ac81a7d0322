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
import { type CaConfigOptions, addCaConfigOptions, caConfigFrom } from './ca-config.js';
import type { CliCommand } from './command.js';
import { jsonOption } from './options.js';

interface Options extends CaConfigOptions {
  json?: boolean;
  rootCert?: string;
  intermediateCert?: string;
  intermediateKey?: string;
}

/** `tessera ca init`: makes the data directory and the CA keys without starting, so the bundle can be handed out first. */
export const caInit: CliCommand<Options> = {
  path: ['ca', 'init'],
  define: (cmd) => addCaConfigOptions(cmd
    .summary('make the data directory, the CA root and the key-encryption key without starting the CA')
    .description('Checks the configuration as `ca start` does, then makes the data directory (mode 0700), the root key and certificate (the trust bundle) and the key-encryption key that seals the signing keys in the store (keys/kek; replicas share it, docs/ha.md), or loads them when they exist. The signing authorities (the intermediate and the JWT key) are made in the store at the first `ca start`, where their lifecycle is kept (docs/authorities.md). Prints where the trust bundle is and the root\'s SHA-256 fingerprint.\nWith --root-cert the root is the operator\'s and its key never comes to this host: give the intermediate it (or an upstream CA under it) signed with --intermediate-cert and --intermediate-key; each is checked first and refused (ERR_AUTHORITY_INVALID) when unfit. The first `ca start` seals that intermediate\'s key into the store and deletes its files.\nRefused while a CA runs on this data directory.')
    .option('--root-cert <file>', 'the operator\'s root certificate (PEM), whose key stays offline; or an upstream CA\'s root')
    .option('--intermediate-cert <file>', 'with --root-cert: the intermediate this CA signs with (PEM), then the upstream intermediates above it, nearest first')
    .option('--intermediate-key <file>', 'with --intermediate-cert: its private key (PEM, EC P-256)')
    .addOption(jsonOption())),
  async run(opts, _operands, ctx) {
    const config = await caConfigFrom(opts, ctx);
    if ((opts.intermediateCert === undefined) !== (opts.intermediateKey === undefined)) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', '--intermediate-cert and --intermediate-key go together');
    }
    if (opts.intermediateCert !== undefined && opts.rootCert === undefined) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', '--intermediate-cert needs --root-cert, the root it chains to');
    }
    if (opts.rootCert !== undefined && opts.intermediateCert === undefined) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', 'with --root-cert the root key stays offline, so this CA cannot make its intermediate: give one the root signed with --intermediate-cert and --intermediate-key');
    }
    // Checked before anything is written: an unfit root or intermediate leaves no trace.
    const brought = opts.rootCert !== undefined && await checkOperatorKeys(opts as Required<Pick<Options, 'rootCert' | 'intermediateCert' | 'intermediateKey'>>, config.trustDomain);
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
    ctx.io.out(opts.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k.padEnd(21)} ${v}`).join('\n'));
    return 0;
  },
};

/**
 * The operator's root and the intermediate it (or an upstream CA) signed, checked.
 *
 * @throws {TesseraError} ERR_AUTHORITY_INVALID naming what is unfit.
 */
async function checkOperatorKeys(files: { rootCert: string; intermediateCert: string; intermediateKey: string }, trustDomain: string) {
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

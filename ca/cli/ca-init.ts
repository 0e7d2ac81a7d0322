import { createHash } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../agent-sdk/clock.js';
import { KEK_FILE, KeyVault } from '../authority/key-vault.js';
import { keysDir, loadOrCreateRoot } from '../authority/keys.js';
import { claimAdminSocket } from '../admin-socket.js';
import { type CaConfigOptions, addCaConfigOptions, caConfigFrom } from './ca-config.js';
import type { CliCommand } from './command.js';
import { jsonOption } from './options.js';

interface Options extends CaConfigOptions {
  json?: boolean;
}

/** `tessera ca init`: makes the data directory and the CA keys without starting, so the bundle can be handed out first. */
export const caInit: CliCommand<Options> = {
  path: ['ca', 'init'],
  define: (cmd) => addCaConfigOptions(cmd
    .summary('make the data directory, the CA root and the key-encryption key without starting the CA')
    .description('Checks the configuration as `ca start` does, then makes the data directory (mode 0700), the root key and certificate (the trust bundle) and the key-encryption key that seals the signing keys in the store (keys/kek; replicas share it, docs/ha.md), or loads them when they exist. The signing authorities (the intermediate and the JWT key) are made in the store at the first `ca start`, where their lifecycle is kept (docs/authorities.md). Prints where the trust bundle is and the root\'s SHA-256 fingerprint.\nRefused while a CA runs on this data directory.')
    .addOption(jsonOption())),
  async run(opts, _operands, ctx) {
    const config = await caConfigFrom(opts, ctx);
    // A running CA holds these keys: never write beside it.
    await claimAdminSocket(config.adminSocket);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await chmod(config.dataDir, 0o700);
    // The signing authorities (intermediate, JWT key) live in the store with their lifecycle: the first start makes them.
    const keys = await keysDir(config.dataDir);
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
    };
    ctx.io.out(opts.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k.padEnd(14)} ${v}`).join('\n'));
    return 0;
  },
};

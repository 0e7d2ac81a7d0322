import { createHash } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../agent-sdk/clock.js';
import { loadOrCreateKeys } from '../authority/keys.js';
import { JwtAuthority } from '../authority/jwt-authority.js';
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
    .summary('make the data directory and CA keys without starting the CA')
    .description('Checks the configuration as `ca start` does, then makes the data directory (mode 0700), the root and intermediate keys and the JWT signing key, or loads them when they exist. Prints where the trust bundle is and the root\'s SHA-256 fingerprint.\nRefused while a CA runs on this data directory.')
    .addOption(jsonOption())),
  async run(opts, _operands, ctx) {
    const config = await caConfigFrom(opts, ctx);
    // A running CA holds these keys: never write beside it.
    await claimAdminSocket(config.adminSocket);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await chmod(config.dataDir, 0o700);
    const keys = await loadOrCreateKeys({
      dataDir: config.dataDir, trustDomain: config.trustDomain, clock: systemClock, rootTtlMs: config.ttl.rootMs, intermediateTtlMs: config.ttl.intermediateMs,
    });
    await JwtAuthority.loadOrCreate({ dataDir: config.dataDir, trustDomain: config.trustDomain });
    const result = {
      trustDomain: config.trustDomain,
      dataDir: config.dataDir,
      bundle: join(config.dataDir, 'keys/root-cert.pem'),
      rootSha256: createHash('sha256').update(keys.root.der).digest('hex'),
      rootExpiresAt: new Date(keys.root.notAfterMs).toISOString(),
    };
    ctx.io.out(opts.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k.padEnd(14)} ${v}`).join('\n'));
    return 0;
  },
};

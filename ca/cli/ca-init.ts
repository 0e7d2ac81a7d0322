import { TesseraError } from '../../agent-sdk/errors.js';
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
    // The checks above make the three go together.
    const operatorKeys = opts.rootCert !== undefined && { rootCert: opts.rootCert, intermediateCert: opts.intermediateCert!, intermediateKey: opts.intermediateKey! };
    const { initCa } = await import('./ca-commands.js');
    return initCa(config, { ...(operatorKeys && { operatorKeys }), json: opts.json ?? false }, ctx.io);
  },
};

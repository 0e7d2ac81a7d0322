import { Option } from 'commander';
import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, socketOf } from './options.js';

interface Options extends AdminOptions {
  format?: string;
}

/** `tessera bundle show [--format pem|spiffe]`: the trust bundle to hand out. */
export const bundleShow: CliCommand<Options> = {
  path: ['bundle', 'show'],
  define: (cmd) => addAdminOptions(cmd
    .summary('print the trust bundle')
    .addOption(new Option('--format <format>', 'the root certificates in PEM, or a SPIFFE bundle document (JWKS)').choices(['pem', 'spiffe']).default('pem'))),
  async run(opts, _operands, ctx) {
    const { bundleShowCommand } = await import('./bundle-commands.js');
    return bundleShowCommand(socketOf(opts, ctx), { format: opts.format ?? 'pem' }, ctx.io);
  },
};

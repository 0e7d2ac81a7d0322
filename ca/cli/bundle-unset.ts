import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, socketOf } from './options.js';

interface Options extends AdminOptions {
  trustDomain: string;
}

/** `tessera bundle unset --trust-domain TD`: stop federating with another trust domain. */
export const bundleUnset: CliCommand<Options> = {
  path: ['bundle', 'unset'],
  define: (cmd) => addAdminOptions(cmd
    .summary('stop trusting another trust domain: its bundle leaves what agents receive (audited)')
    .requiredOption('--trust-domain <td>', 'the federated trust domain')),
  async run(opts, _operands, ctx) {
    const { bundleUnsetCommand } = await import('./bundle-commands.js');
    return bundleUnsetCommand(socketOf(opts, ctx), opts.trustDomain, ctx.io);
  },
};

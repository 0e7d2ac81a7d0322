import { bundleUnsetCommand } from './bundle-commands.js';
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
  run: (opts, _operands, ctx) => bundleUnsetCommand(socketOf(opts, ctx), opts.trustDomain, ctx.io),
};

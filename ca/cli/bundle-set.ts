import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, socketOf } from './options.js';

interface Options extends AdminOptions {
  trustDomain: string;
  file?: string;
  url?: string;
}

/** `tessera bundle set --trust-domain TD --file PATH | --url URL`: federate with another trust domain. */
export const bundleSet: CliCommand<Options> = {
  path: ['bundle', 'set'],
  define: (cmd) => addAdminOptions(cmd
    .summary('trust another trust domain: its SPIFFE bundle from a file, or from its bundle endpoint (refreshed)')
    .requiredOption('--trust-domain <td>', 'the other trust domain')
    .option('--file <path>', 'its SPIFFE bundle document (JSON)')
    .option('--url <url>', 'its https_web bundle endpoint')),
  async run(opts, _operands, ctx) {
    const { bundleSetCommand } = await import('./bundle-commands.js');
    return bundleSetCommand(socketOf(opts, ctx), {
      trustDomain: opts.trustDomain, ...(opts.file && { file: opts.file }), ...(opts.url && { url: opts.url }),
    }, ctx.io);
  },
};

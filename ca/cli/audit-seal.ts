import { type CaConfigOptions, addCaConfigOptions, caConfigFrom } from './ca-config.js';
import type { CliCommand } from './command.js';
import { integerArg } from './options.js';

interface SealOptions extends CaConfigOptions {
  at: number;
}

/** `tessera audit seal --at N`: acknowledge the audit break at record N (the CA stopped). */
export const auditSeal: CliCommand<SealOptions> = {
  path: ['audit', 'seal'],
  define: (cmd) => addCaConfigOptions(cmd
    .summary('acknowledge a known break in the audit chain, so the CA starts again')
    .description('With the CA stopped (every replica, on a shared database): signs a seal for the break `tessera audit verify` reports at record N (and only there), appends an audit.seal record and a checkpoint. Records from N to the current head are taken as found.')
    .requiredOption('--at <seq>', 'the first bad record, as `tessera audit verify` names it', integerArg(1, Number.MAX_SAFE_INTEGER))),
  async run(opts, _operands, ctx) {
    const config = await caConfigFrom(opts, ctx);
    const { sealAudit } = await import('./audit-commands.js');
    return sealAudit(config, opts.at, ctx.io);
  },
};

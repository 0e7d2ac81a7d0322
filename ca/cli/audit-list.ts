import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, integerArg, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  after: number;
  limit: number;
  json?: boolean;
}

/** `tessera audit list`: audit records after a sequence number. */
export const auditList: CliCommand<Options> = {
  path: ['audit', 'list'],
  define: (cmd) => addAdminOptions(cmd
    .summary('print audit records')
    .description('Prints audit records in sequence order, one per line.')
    .option('--after <seq>', 'start after this sequence number', integerArg(0, Number.MAX_SAFE_INTEGER), 0)
    // The CA returns at most 1000 records per call.
    .option('--limit <n>', 'at most this many records', integerArg(1, 1000), 100)
    .addOption(jsonOption())),
  async run(opts, _operands, ctx) {
    const { listAudit } = await import('./commands.js');
    return listAudit(socketOf(opts, ctx), { after: opts.after, limit: opts.limit, json: opts.json ?? false }, ctx.io);
  },
};

import type { CliCommand } from './command.js';
import { unbanCommand } from './ban-commands.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

/** `tessera unban <orchestrator>`. */
export const unban: CliCommand<AdminOptions & { json?: boolean }> = {
  path: ['unban'],
  define: (cmd) => addAdminOptions(cmd
    .summary('lift a ban on an orchestrator')
    .description('Lifts the ban on an orchestrator name; its revocation entries in force stay in force. Audited.')
    .argument('<orchestrator>', "the orchestrator's name")
    .addOption(jsonOption('print JSON (the only form)'))),
  run: (opts, operands, ctx) => unbanCommand(socketOf(opts, ctx), operands[0]!, ctx.io),
};

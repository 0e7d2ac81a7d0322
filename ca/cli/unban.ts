import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

/** `tessera unban <orchestrator>`. */
export const unban: CliCommand<AdminOptions & { json?: boolean }> = {
  path: ['unban'],
  define: (cmd) => addAdminOptions(cmd
    .summary('lift a ban on an orchestrator')
    .description('Lifts the ban on an orchestrator name; its revocation entries in force stay in force. Audited.')
    .argument('<orchestrator>', "the orchestrator's name")
    .addOption(jsonOption('print JSON (the only form)'))),
  async run(opts, operands, ctx) {
    const { unbanCommand } = await import('./ban-commands.js');
    return unbanCommand(socketOf(opts, ctx), operands[0]!, ctx.io);
  },
};

import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  json?: boolean;
}

/** `tessera agents show SPIFFE_ID`: one identity and its delegation tree. */
export const agentsShow: CliCommand<Options> = {
  path: ['agents', 'show'],
  define: (cmd) => addAdminOptions(cmd
    .summary('show one identity and its delegation tree')
    .argument('<spiffe-id>', 'the agent or orchestrator')
    .addOption(jsonOption('print one JSON object'))),
  async run(opts, [spiffeId], ctx) {
    const { showAgentCommand } = await import('./revocation-commands.js');
    return showAgentCommand(socketOf(opts, ctx), spiffeId!, { json: opts.json ?? false }, ctx.io);
  },
};

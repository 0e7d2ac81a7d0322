import { Option } from 'commander';
import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, integerArg, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  orchestrator?: string;
  task?: string;
  status?: string;
  limit: number;
  orchestrators?: boolean;
  json?: boolean;
}

/** `tessera agents list`: the agent inventory. */
export const agentsList: CliCommand<Options> = {
  path: ['agents', 'list'],
  define: (cmd) => addAdminOptions(cmd
    .summary('list agent instances (and orchestrators)')
    .description('Lists agent instances in SPIFFE ID order, one per line; with --orchestrators, then the orchestrators.')
    .option('--orchestrator <name>', 'only those of this orchestrator')
    .option('--task <task>', 'only those of this task')
    .addOption(new Option('--status <status>', 'only those in this state').choices(['active', 'released', 'revoked', 'expired']))
    .option('--limit <n>', 'at most this many', integerArg(1, 1_000_000), 1000)
    .option('--orchestrators', 'list the orchestrators too, after the agents (with --orchestrator: that one; with --task: none)')
    .addOption(jsonOption())),
  async run(opts, _operands, ctx) {
    const { listAgentsCommand } = await import('./revocation-commands.js');
    return listAgentsCommand(socketOf(opts, ctx), {
      ...(opts.orchestrator !== undefined && { orchestrator: opts.orchestrator }), ...(opts.task !== undefined && { task: opts.task }),
      ...(opts.status !== undefined && { status: opts.status }), limit: opts.limit, json: opts.json ?? false, orchestrators: opts.orchestrators ?? false,
    }, ctx.io);
  },
};

import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  serial?: string;
  jti?: string;
  agent?: string;
  task?: string;
  chain?: string;
  reason?: string;
  cascade?: boolean;
  json?: boolean;
}

/** `tessera revoke`: one credential, one agent instance, a task or a delegation subtree. */
export const revoke: CliCommand<Options> = {
  path: ['revoke'],
  define: (cmd) => addAdminOptions(cmd
    .summary('revoke a credential, an agent instance, a task or a delegation subtree')
    .description('Revokes exactly one target and prints the committed entries as JSON once they are durable; none when it was already revoked.')
    .option('--serial <hex>', 'one X.509 SVID by serial number')
    .option('--jti <id>', 'one JWT-SVID by its jti')
    .option('--agent <spiffe-id>', 'one agent instance and everything issued to it')
    .option('--task <orchestrator/task>', 'every agent of a task')
    .option('--chain <spiffe-id>', 'an identity and every sub-agent it delegated to')
    .option('--reason <text>', 'why, for the audit log')
    .option('--cascade', 'with --agent naming an orchestrator: also revoke every task it has agents in (audited)')
    .addOption(jsonOption('print JSON (the only form)'))),
  async run(opts, _operands, ctx) {
    const { revokeCommand } = await import('./revocation-commands.js');
    return revokeCommand(socketOf(opts, ctx), opts, ctx.io);
  },
};

import type { CliCommand } from './command.js';
import { revokeCommand } from './revocation-commands.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  serial?: string;
  jti?: string;
  agent?: string;
  task?: string;
  chain?: string;
  reason?: string;
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
    .addOption(jsonOption('print JSON (the only form)'))),
  run: (opts, _operands, ctx) => revokeCommand(socketOf(opts, ctx), opts, ctx.io),
};

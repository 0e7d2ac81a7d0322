import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

/** `tessera ban <orchestrator>`. */
interface BanOptions extends AdminOptions {
  reason?: string;
  json?: boolean;
}

export const ban: CliCommand<BanOptions> = {
  path: ['ban'],
  define: (cmd) => addAdminOptions(cmd
    .summary('keep an orchestrator from attesting until unbanned, and revoke its identity')
    .description('Bans an orchestrator name: every attestation naming it is refused (ERR_BANNED) until `tessera unban`, however long ago its revocation entries were pruned. Its current identity is revoked. Audited.')
    .argument('<orchestrator>', "the orchestrator's name (a SPIFFE ID path segment)")
    .option('--reason <text>', 'why, for the CA (not propagated)')
    .addOption(jsonOption('print JSON (the only form)'))),
  async run(opts, operands, ctx) {
    const { banCommand } = await import('./ban-commands.js');
    return banCommand(socketOf(opts, ctx), { orchestrator: operands[0]!, ...(opts.reason !== undefined && { reason: opts.reason }) }, ctx.io);
  },
};

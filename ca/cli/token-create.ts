import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, durationArg, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  orchestrator: string;
  ttl?: number;
  json?: boolean;
}

/** `tessera token create`: a one-time join token, printed once. */
export const tokenCreate: CliCommand<Options> = {
  path: ['token', 'create'],
  define: (cmd) => addAdminOptions(cmd
    .summary('make a one-time join token for an orchestrator')
    .description('Makes a one-time join token for an orchestrator and prints it once, as JSON: { token, spiffeId, expiresAt }.')
    .requiredOption('--orchestrator <name>', "the orchestrator's name (a SPIFFE ID path segment)")
    // The CA allows up to 24 times its configured default (10m unless changed).
    .option('--ttl <duration>', 'how long the token stays valid (default: the CA\'s, 10m)', durationArg(1000, 24 * 3_600_000))
    .addOption(jsonOption('print JSON (the only form: the token is for a program)'))),
  async run(opts, _operands, ctx) {
    const { createToken } = await import('./commands.js');
    return createToken(socketOf(opts, ctx), { orchestrator: opts.orchestrator, ...(opts.ttl !== undefined && { ttlMs: opts.ttl }) }, ctx.io);
  },
};

import type { CliCommand } from './command.js';
import { MINT_JWT_TTL } from '../issuance/mint-ttl.js';
import { type AdminOptions, addAdminOptions, durationArg, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  spiffeId: string;
  audience: string[];
  ttl?: number;
  json?: boolean;
}

/** `tessera jwt mint`: a standard JWT-SVID for a registered service. */
export const jwtMint: CliCommand<Options> = {
  path: ['jwt', 'mint'],
  define: (cmd) => addAdminOptions(cmd
    .summary('mint a JWT-SVID for a service identity')
    .description(
      'Mints a standard JWT-SVID (sub, aud, exp, iat; signed by the active JWT authority) for spiffe://<trust domain>/service/<name> and prints it. '
      + 'It is not a task token: it carries no task, sponsor, scope or certificate binding, so the gateway and task-token validators refuse it; '
      + 'any JWT-SVID validator with the trust bundle accepts it. Agent and orchestrator identities are refused. '
      + 'The issuance is audited; the token, a bearer secret, is never recorded.',
    )
    .requiredOption('--spiffe-id <id>', 'the service identity, spiffe://<trust domain>/service/<name>')
    .requiredOption('--audience <audience>', 'an audience the token is for (repeat for more)', (value: string, previous?: string[]) => [...(previous ?? []), value])
    .option('--ttl <duration>', 'the token lifetime (default 5m)', durationArg(MINT_JWT_TTL.minMs, MINT_JWT_TTL.maxMs))
    .addOption(jsonOption('print JSON: { spiffeId, audience, expiresAt, token }'))),
  async run(opts, _operands, ctx) {
    const { mintJwtCommand } = await import('./mint-commands.js');
    return mintJwtCommand(socketOf(opts, ctx), {
      spiffeId: opts.spiffeId, audience: opts.audience, ttlMs: opts.ttl, json: opts.json,
    }, ctx.io);
  },
};

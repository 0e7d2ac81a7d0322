import type { CliCommand } from './command.js';
import { MINT_X509_TTL } from '../issuance/mint-ttl.js';
import { type AdminOptions, addAdminOptions, durationArg, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  spiffeId: string;
  publicKey?: string;
  keyOut?: string;
  ttl?: number;
  json?: boolean;
}

/** `tessera x509 mint`: an X509-SVID for a registered service, from a public key. */
export const x509Mint: CliCommand<Options> = {
  path: ['x509', 'mint'],
  define: (cmd) => addAdminOptions(cmd
    .summary('mint an X509-SVID for a service identity')
    .description(
      'Mints an X509-SVID for spiffe://<trust domain>/service/<name> and prints the chain (leaf, then intermediate) as PEM. '
      + 'Only a public key goes to the CA. Agent and orchestrator identities are refused: they come from attestation. '
      + 'The issuance is audited with its serial, so `tessera revoke --serial` revokes it.',
    )
    .requiredOption('--spiffe-id <id>', 'the service identity, spiffe://<trust domain>/service/<name>')
    .option('--public-key <file>', 'the PEM public key (SPKI) to certify; its private key never leaves you')
    .option('--key-out <file>', 'instead: make a P-256 key and write it here (0600, never over an existing file)')
    .option('--ttl <duration>', 'the certificate lifetime (default 1h)', durationArg(MINT_X509_TTL.minMs, MINT_X509_TTL.maxMs))
    .addOption(jsonOption('print JSON: { spiffeId, serial, expiresAt, certificates }'))),
  async run(opts, _operands, ctx) {
    const { mintX509Command } = await import('./mint-commands.js');
    return mintX509Command(socketOf(opts, ctx), {
      spiffeId: opts.spiffeId, publicKeyFile: opts.publicKey, keyOut: opts.keyOut, ttlMs: opts.ttl, json: opts.json,
    }, ctx.io);
  },
};

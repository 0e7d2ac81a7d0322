import { Argument } from 'commander';
import type { AuthorityKind } from '../authority/lifecycle.js';
import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, allowDashOperands, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  json?: boolean;
  cert?: string;
  key?: string;
  out?: string;
}

const ACTIONS = ['show', 'prepare', 'activate', 'taint', 'revoke'];

/** A JWT authority's ID: its key's RFC 7638 thumbprint, SHA-256 in base64url. X.509 and root IDs are hex. */
const JWT_AUTHORITY_ID = /^[A-Za-z0-9_-]{43}$/;

const CERT_HELP: Record<AuthorityKind, string> = {
  x509: 'with prepare: bring an intermediate made elsewhere (PEM, then the upstream intermediates above it) instead of making one; needed when the root key is offline; without --key, it is for the key `csr` left pending',
  root: 'with prepare: bring the operator\'s new root (PEM, its key stays offline) instead of making one here; needed when the root key is offline',
  jwt: 'x509 and root only',
};

/** `tessera authority x509|jwt|root show|prepare|activate|taint|revoke [ID]`: one kind of authority through its lifecycle. */
function authority(kind: AuthorityKind, what: string): CliCommand<Options> {
  return {
    path: ['authority', kind],
    define: (cmd) => addAdminOptions(allowDashOperands(cmd, JWT_AUTHORITY_ID)
      .summary(`show the ${what} or move one through its lifecycle (docs/authorities.md)`)
      .addArgument(new Argument('<action>', `show; prepare a new one; activate the prepared one; taint an old one; revoke a tainted one${kind === 'x509' ? '; csr: make the next one\'s key here and write a request for your CA to sign' : ''}`)
        .choices(kind === 'x509' ? [...ACTIONS, 'csr'] : ACTIONS))
      .argument('[id]', 'the authority (default: the only one the action applies to)')
      .addOption(jsonOption('print one JSON object'))
      .option('--cert <file>', CERT_HELP[kind])
      .option('--key <file>', kind === 'x509' ? 'with --cert: its private key (PEM, EC P-256)' : 'x509 only')
      .option('--out <file>', kind === 'x509' ? 'with csr: write the request (PEM) here instead of printing it' : 'x509 only')),
    async run(opts, [action, id], ctx) {
      const { authorityCommand } = await import('./authority-commands.js');
      return authorityCommand(socketOf(opts, ctx), {
        kind, action: action!, ...(id && { id }), json: opts.json ?? false, ...(opts.cert && { certFile: opts.cert }), ...(opts.key && { keyFile: opts.key }), ...(opts.out && { outFile: opts.out }),
      }, ctx.io);
    },
  };
}

export const authorityX509 = authority('x509', 'X.509 intermediates');
export const authorityJwt = authority('jwt', 'JWT signing keys');
export const authorityRoot = authority('root', 'roots of the trust bundle (by hand only: see docs/authorities.md, root rotation)');

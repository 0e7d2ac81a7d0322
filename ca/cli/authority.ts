import { Argument } from 'commander';
import type { AuthorityKind } from '../authority/lifecycle.js';
import { authorityCommand } from './authority-commands.js';
import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  json?: boolean;
  cert?: string;
  key?: string;
}

const ACTIONS = ['show', 'prepare', 'activate', 'taint', 'revoke'];

/** `tessera authority x509|jwt show|prepare|activate|taint|revoke [ID]`: one kind of authority through its lifecycle. */
function authority(kind: AuthorityKind, what: string): CliCommand<Options> {
  return {
    path: ['authority', kind],
    define: (cmd) => addAdminOptions(cmd
      .summary(`show the ${what} or move one through its lifecycle (docs/authorities.md)`)
      .addArgument(new Argument('<action>', 'show; prepare a new one; activate the prepared one; taint an old one; revoke a tainted one').choices(ACTIONS))
      .argument('[id]', 'the authority (default: the only one the action applies to)')
      .addOption(jsonOption('print one JSON object'))
      .option('--cert <file>', kind === 'x509'
        ? 'with prepare: bring an intermediate made elsewhere (PEM, then the upstream intermediates above it) instead of making one; needed when the root key is offline'
        : 'X.509 only')
      .option('--key <file>', 'with --cert: its private key (PEM, EC P-256)')),
    run: (opts, [action, id], ctx) => authorityCommand(socketOf(opts, ctx), {
      kind, action: action!, ...(id && { id }), json: opts.json ?? false, ...(opts.cert && { certFile: opts.cert }), ...(opts.key && { keyFile: opts.key }),
    }, ctx.io),
  };
}

export const authorityX509 = authority('x509', 'X.509 intermediates');
export const authorityJwt = authority('jwt', 'JWT signing keys');

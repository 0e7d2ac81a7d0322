import { readFile, writeFile } from 'node:fs/promises';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Authority__Output } from '../../agent-sdk/gen/tessera/v1/Authority.js';
import { AuthorityClient } from '../authority-client.js';
import { AUTHORITY_KINDS, type AuthorityKind, type AuthorityStep } from '../authority/lifecycle.js';
import type { Output } from './commands.js';

const ACTIONS = ['show', 'prepare', 'activate', 'taint', 'revoke', 'csr'] as const;
const KINDS: readonly AuthorityKind[] = [...AUTHORITY_KINDS, 'root'];

/**
 * `tessera authority x509|jwt|root show|prepare|activate|taint|revoke [ID] [--json]`:
 * shows the authorities of a kind, or takes one lifecycle step and prints what
 * changed once it is durable and audited. `authority x509 csr [--out FILE]`
 * writes the request for the next intermediate (its key stays in the CA).
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT for an unknown kind or action; whatever the CA refuses with
 *   (ERR_AUTHORITY_STATE for a step the authority's state does not allow).
 * @example await authorityCommand(socket, { kind: 'x509', action: 'taint', id, json: true }, io);
 */
export async function authorityCommand(
  socket: string, params: { kind: string; action: string; id?: string; json: boolean; certFile?: string; keyFile?: string; outFile?: string }, io: Output,
): Promise<number> {
  const brings = params.certFile !== undefined || params.keyFile !== undefined;
  if (brings && (params.action !== 'prepare' || params.kind === 'jwt')) throw new TesseraError('ERR_INVALID_ARGUMENT', '--cert goes with `authority x509 prepare` and `authority root prepare`');
  if (brings && params.kind === 'x509' && params.certFile === undefined) throw new TesseraError('ERR_INVALID_ARGUMENT', '--key goes with --cert');
  if ((params.action === 'csr' && params.kind !== 'x509') || (params.outFile !== undefined && params.action !== 'csr')) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'csr (and --out) is for `authority x509 csr`');
  }
  if (brings && params.kind === 'root' && (params.certFile === undefined || params.keyFile !== undefined)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'a root is brought with --cert alone: its key stays offline');
  if (!(KINDS as readonly string[]).includes(params.kind)) throw new TesseraError('ERR_INVALID_ARGUMENT', `the kind is one of ${KINDS.join(', ')}`);
  if (!(ACTIONS as readonly string[]).includes(params.action)) throw new TesseraError('ERR_INVALID_ARGUMENT', `the action is one of ${ACTIONS.join(', ')}`);
  const kind = params.kind as AuthorityKind;
  const client = new AuthorityClient(socket);
  try {
    let shown: Authority__Output[];
    if (params.action === 'csr') {
      const csr = await client.createIntermediateCsr();
      if (params.outFile === undefined) io.out(csr.trimEnd());
      else await writeFile(params.outFile, csr, { mode: 0o644 });
      return 0;
    }
    if (params.action === 'show') {
      const { authorities, bundleSequence, warnings } = await client.list(kind);
      if (params.json) {
        io.out(JSON.stringify({ bundleSequence, authorities: authorities.map(plain), warnings }));
        return 0;
      }
      for (const warning of warnings) io.err(`warning: ${warning}`);
      shown = authorities;
    } else if (params.action === 'prepare') {
      const brought = brings && {
        certificatePem: await readFile(params.certFile!, 'utf8'), privateKeyPem: params.keyFile === undefined ? '' : await readFile(params.keyFile, 'utf8'),
      };
      shown = [await client.prepare(kind, brought || undefined)];
    } else {
      shown = await client.step(kind, params.action as AuthorityStep, params.id);
    }
    if (params.json) io.out(JSON.stringify({ authorities: shown.map(plain) }));
    else for (const a of shown) io.out(`${a.authorityId}  ${a.state.padEnd(8)}  ${new Date(a.notBeforeMs).toISOString()} .. ${new Date(a.notAfterMs).toISOString()}`);
    return 0;
  } finally {
    client.close();
  }
}

function plain(a: Authority__Output) {
  return {
    id: a.authorityId, state: a.state, notBefore: new Date(a.notBeforeMs).toISOString(), notAfter: new Date(a.notAfterMs).toISOString(),
    changedAt: new Date(a.changedAtMs).toISOString(), ...(a.certificatePem && { certificatePem: a.certificatePem }),
  };
}

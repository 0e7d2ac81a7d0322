import { readFile } from 'node:fs/promises';
import { bundlesFromWire } from '../../agent-sdk/bundle-wire.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { toSpiffeBundle } from '../../agent-sdk/spiffe-bundle.js';
import { AuthorityClient } from '../authority-client.js';
import type { Output } from './commands.js';

const FORMATS = ['pem', 'spiffe'] as const;

/**
 * `tessera bundle show [--format pem|spiffe]`: the trust bundle, as the root
 * certificates in PEM (default) or as a SPIFFE bundle document (JWKS with
 * x509-svid and jwt-svid keys, spiffe_sequence, spiffe_refresh_hint).
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT for an unknown format; ERR_UNAVAILABLE when the CA is not running.
 * @example await bundleShowCommand(socket, { format: 'spiffe' }, io);
 */
export async function bundleShowCommand(socket: string, params: { format?: string }, io: Output): Promise<number> {
  const format = params.format ?? 'pem';
  if (!(FORMATS as readonly string[]).includes(format)) throw new TesseraError('ERR_INVALID_ARGUMENT', `--format is one of ${FORMATS.join(', ')}`);
  const client = new AuthorityClient(socket);
  try {
    const message = await client.bundle();
    const { x509, jwt } = bundlesFromWire(message);
    io.out(format === 'pem' ? x509.toPem().trimEnd() : JSON.stringify(toSpiffeBundle(x509, jwt, message.refreshHintSeconds), null, 2));
    return 0;
  } finally {
    client.close();
  }
}

/**
 * `tessera bundle set --trust-domain TD --file PATH | --url URL`: trusts another
 * trust domain with its SPIFFE bundle document, or with the one the CA fetches
 * (and refreshes) from its https_web bundle endpoint; prints what is trusted now.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT unless exactly one of --file and --url; whatever the CA refuses with.
 * @example await bundleSetCommand(socket, { trustDomain: 'partner.example', url: 'https://partner.example/bundle' }, io);
 */
/**
 * `tessera bundle unset --trust-domain TD`: stops trusting another trust domain.
 *
 * @throws {TesseraError} ERR_NOT_FOUND when the CA does not federate with it; ERR_UNAVAILABLE.
 */
export async function bundleUnsetCommand(socket: string, trustDomain: string, io: Output): Promise<number> {
  const client = new AuthorityClient(socket);
  try {
    await client.unsetFederatedBundle(trustDomain);
    io.out(JSON.stringify({ trustDomain, federated: false }));
    return 0;
  } finally {
    client.close();
  }
}

export async function bundleSetCommand(socket: string, params: { trustDomain: string; file?: string; url?: string }, io: Output): Promise<number> {
  if ((params.file === undefined) === (params.url === undefined)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'give exactly one of --file and --url');
  const from = params.url !== undefined ? { url: params.url } : { document: await readFile(params.file!, 'utf8') };
  const client = new AuthorityClient(socket);
  try {
    const set = await client.setFederatedBundle(params.trustDomain, from);
    io.out(JSON.stringify({ trustDomain: params.trustDomain, sequence: set.sequenceNumber, x509Authorities: set.x509Authorities, jwtAuthorities: set.jwtAuthorities }));
    return 0;
  } finally {
    client.close();
  }
}

import { TesseraError } from '../../agent-sdk/errors.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { describeId } from '../../agent-sdk/tessera-id.js';

/**
 * The ID when it is a registered service's, `spiffe://<trustDomain>/service/<name>`
 * (DESIGN.md Identities): the only kind an operator may mint SVIDs for, since
 * agents and orchestrators get theirs by attestation.
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID (not a SPIFFE ID), ERR_PERMISSION_DENIED (not a service ID of this trust domain).
 * @example serviceIdOf('tessera.local', 'spiffe://tessera.local/service/billing-db')
 */
export function serviceIdOf(trustDomain: string, spiffeId: string): SpiffeId {
  const id = SpiffeId.parse(spiffeId);
  if (!id.memberOf(trustDomain) || describeId(id)?.kind !== 'service') {
    throw new TesseraError('ERR_PERMISSION_DENIED', `only a service identity spiffe://${trustDomain}/service/<name> may be minted; agents and orchestrators get theirs by attestation`);
  }
  return id;
}

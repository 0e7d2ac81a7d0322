import { TesseraError } from './errors.js';
import type { CaEndpoints } from './ca-client.js';

/**
 * The CA replicas `endpoints` names: its addresses may each list several
 * `host:port`s separated by commas, the public and mutual-TLS ones of one
 * replica at the same position (as libpq takes `host=a,b`). One replica when
 * there are no commas. The list travels as it is: an orchestrator hands all
 * of them to its agents.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT when the two lists differ in length or hold an empty entry.
 * @example replicasOf({ address: 'ca1:8443,ca2:8443', mtlsAddress: 'ca1:8444,ca2:8444' }) // two CaEndpoints
 */
export function replicasOf(endpoints: CaEndpoints): CaEndpoints[] {
  const addresses = endpoints.address.split(',');
  const mtlsAddresses = endpoints.mtlsAddress.split(',');
  if (addresses.length !== mtlsAddresses.length || [...addresses, ...mtlsAddresses].some((a) => a.trim() === '')) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'the CA addresses must list the same number of replicas, none empty');
  }
  return addresses.map((address, i) => ({ address: address.trim(), mtlsAddress: mtlsAddresses[i]!.trim() }));
}

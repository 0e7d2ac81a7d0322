import { isAbsolute } from 'node:path';
import { TesseraError } from '../agent-sdk/errors.js';

/** The variable a SPIFFE client reads the Workload API's address from (Workload Endpoint 4). */
export const SPIFFE_ENDPOINT_SOCKET = 'SPIFFE_ENDPOINT_SOCKET';

/**
 * The socket path of a `unix:` SPIFFE_ENDPOINT_SOCKET value. Workload
 * Endpoint 4: scheme `unix`, no authority, an absolute path, nothing else.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID for anything else (tcp is not served: it has no kernel attestation).
 * @example parseEndpointSocket('unix:///run/tessera/agent.sock') // '/run/tessera/agent.sock'
 */
export function parseEndpointSocket(value: string): string {
  const path = value.startsWith('unix://') ? value.slice('unix://'.length) : '';
  if (!isAbsolute(path) || /[?#%\0]/.test(path) || path.length > 107) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${SPIFFE_ENDPOINT_SOCKET} must be unix:///absolute/path (at most 107 bytes, no query, fragment or escapes)`);
  }
  return path;
}
